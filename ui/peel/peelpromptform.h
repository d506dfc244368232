#pragma once

#include <QJsonObject>
#include <QWidget>

class QPlainTextEdit;

namespace Ui {

class SchemaForm;

// The answer to a paused Peel build's user_input_prompt. With an input_schema that has
// properties it is the shared SchemaForm (ui/submit: one editor per property, defaults
// pre-filled, problems shown under the fields); without one (the document does not promise a
// schema) it is a JSON editor whose text must be an object.
class PeelPromptForm final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PeelPromptForm)

public:
    explicit PeelPromptForm(QWidget *parent = nullptr);

    void setSchema(const QJsonObject &schema);
    QJsonObject schema() const { return m_schema; }
    // The answer as typed. *problem (when given) says what cannot be read (malformed JSON) or what
    // the schema refuses; the object is still returned as far as it could be read.
    QJsonObject value(QString *problem = nullptr) const;
    void setValue(const QJsonObject &value);
    // The editor of one property in form mode (nullptr otherwise), for the owner and tests.
    QWidget *editor(const QString &name) const;

Q_SIGNALS:
    void edited();

private:
    QJsonObject m_schema;
    SchemaForm *m_form = nullptr; // with a usable schema
    QPlainTextEdit *m_json = nullptr; // without one
};

} // namespace Ui
