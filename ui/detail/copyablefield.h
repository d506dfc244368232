#pragma once

#include <QWidget>

class QLabel;
class QToolButton;

namespace Ui {

// One value of a form: a selectable label (mouse and keyboard) and a small button that copies
// the whole value to the clipboard. setText() leaves a selection alone when the text is unchanged,
// so a value refreshed every batch can still be selected and copied by hand.
class CopyableField final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CopyableField)

public:
    explicit CopyableField(QWidget *parent = nullptr);

    void setText(const QString &text);
    QString text() const { return m_text; }
    // Ids, codes and JSON read better in a fixed-width font.
    void setMonospace(bool on);
    // Lets long values wrap over several lines (short ones always stay on one).
    void setWordWrap(bool on);
    QToolButton *copyButton() const { return m_copy; }

Q_SIGNALS:
    void copied(const QString &text);

private:
    QString m_text;
    bool m_wrapAllowed = false;
    QLabel *m_label;
    QToolButton *m_copy;
};

} // namespace Ui
