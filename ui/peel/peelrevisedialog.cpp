#include "peel/peelrevisedialog.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace Ui {

PeelReviseDialog::PeelReviseDialog(const QString &current, QWidget *parent)
    : QDialog(parent)
    , m_text(new QPlainTextEdit(this))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
{
    setWindowTitle(tr("Revise the API"));
    m_text->setObjectName(QStringLiteral("reviseInstructions"));
    m_text->setPlainText(current);
    m_text->setTabChangesFocus(true);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Revise"));
    auto *hint = new QLabel(
        tr("New instructions for the build. Revising starts a new build of the same API; "
           "its endpoints are replaced when it completes."),
        this);
    hint->setWordWrap(true);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(hint);
    layout->addWidget(m_text, 1);
    layout->addWidget(m_buttons);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    const auto update = [this] {
        m_buttons->button(QDialogButtonBox::Ok)->setEnabled(!instructions().isEmpty());
    };
    connect(m_text, &QPlainTextEdit::textChanged, this, update);
    update();
    resize(480, 260);
}

QString PeelReviseDialog::instructions() const
{
    return m_text->toPlainText().trimmed();
}

} // namespace Ui
