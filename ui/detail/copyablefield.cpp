#include "detail/copyablefield.h"

#include <QApplication>
#include <QClipboard>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QStyle>
#include <QToolButton>

namespace Ui {

CopyableField::CopyableField(QWidget *parent)
    : QWidget(parent)
    , m_label(new QLabel(this))
    , m_copy(new QToolButton(this))
{
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);
    m_label->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    m_label->setTextFormat(Qt::PlainText);
    m_label->setAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    m_label->setCursor(Qt::IBeamCursor);
    m_copy->setIcon(QIcon::fromTheme(QStringLiteral("edit-copy")));
    if (m_copy->icon().isNull())
        m_copy->setText(tr("Copy"));
    m_copy->setToolTip(tr("Copy to the clipboard"));
    m_copy->setAutoRaise(true);
    m_copy->setFocusPolicy(Qt::NoFocus);
    // The button right after the value, not at the far edge, so it reads as belonging to it.
    layout->addWidget(m_label);
    layout->addWidget(m_copy, 0, Qt::AlignVCenter);
    layout->addStretch(1);
    connect(m_copy, &QToolButton::clicked, this, [this] {
        QApplication::clipboard()->setText(m_text);
        Q_EMIT copied(m_text);
    });
}

void CopyableField::setText(const QString &text)
{
    if (text == m_text)
        return;
    m_text = text;
    m_label->setText(text);
    // Short values keep to one line with the button beside them; a long one takes the row's
    // width and wraps (a wrapping label asks for very little width on its own).
    const bool wrap = m_wrapAllowed && text.size() > 48;
    m_label->setWordWrap(wrap);
    auto *row = static_cast<QHBoxLayout *>(layout());
    row->setStretch(0, wrap ? 1 : 0);
    row->setStretch(2, wrap ? 0 : 1);
    m_copy->setEnabled(!text.isEmpty());
}

void CopyableField::setMonospace(bool on)
{
    m_label->setFont(on ? QFontDatabase::systemFont(QFontDatabase::FixedFont) : QFont());
}

void CopyableField::setWordWrap(bool on)
{
    m_wrapAllowed = on;
    const QString text = m_text;
    m_text.clear();
    setText(text);
}

} // namespace Ui
