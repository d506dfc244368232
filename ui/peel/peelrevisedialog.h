#pragma once

#include <QDialog>

class QDialogButtonBox;
class QPlainTextEdit;

namespace Ui {

// Asks for a Peel build's new instructions (POST …/revise {"instructions"}). Starts from the
// current instructions; OK is enabled only when the text is not blank (the service refuses that).
class PeelReviseDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PeelReviseDialog)

public:
    explicit PeelReviseDialog(const QString &current, QWidget *parent = nullptr);

    QString instructions() const; // trimmed

private:
    QPlainTextEdit *m_text;
    QDialogButtonBox *m_buttons;
};

} // namespace Ui
