#pragma once

#include <QDoubleSpinBox>

namespace Ui {

// A QDoubleSpinBox that keeps enough decimals not to round a schema's numbers (0.25, 3.5,
// 0.125) but shows them without trailing zeros ("3.5", not "3.500000").
class NumberSpinBox final : public QDoubleSpinBox
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(NumberSpinBox)

public:
    explicit NumberSpinBox(QWidget *parent = nullptr);

    QString textFromValue(double value) const override;
};

} // namespace Ui
