#include "submit/numberspinbox.h"

namespace Ui {

NumberSpinBox::NumberSpinBox(QWidget *parent)
    : QDoubleSpinBox(parent)
{
    setDecimals(6);
}

QString NumberSpinBox::textFromValue(double value) const
{
    QString text = locale().toString(value, 'f', decimals());
    const QString point = locale().decimalPoint();
    if (text.contains(point)) {
        while (text.endsWith(QLatin1Char('0')))
            text.chop(1);
        if (text.endsWith(point))
            text.chop(point.size());
    }
    // The group separator would make "1,000" unparseable for some locales' valueFromText.
    text.remove(locale().groupSeparator());
    return text;
}

} // namespace Ui
