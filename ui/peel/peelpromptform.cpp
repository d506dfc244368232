#include "peel/peelpromptform.h"

#include "catalog/schemavalidator.h"
#include "submit/schemaform.h"

#include <QFontDatabase>
#include <QJsonDocument>
#include <QPlainTextEdit>
#include <QVBoxLayout>

namespace Ui {

PeelPromptForm::PeelPromptForm(QWidget *parent)
    : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
}

void PeelPromptForm::setSchema(const QJsonObject &schema)
{
    m_schema = schema;
    // Rebuilt from scratch: a new prompt may ask for entirely different things.
    delete m_form;
    delete m_json;
    m_form = nullptr;
    m_json = nullptr;
    if (!schema.value(QLatin1String("properties")).toObject().isEmpty()) {
        m_form = new SchemaForm(schema, this);
        m_form->setObjectName(QStringLiteral("promptSchemaForm"));
        connect(m_form, &SchemaForm::changed, this, &PeelPromptForm::edited);
        layout()->addWidget(m_form);
        return;
    }
    m_json = new QPlainTextEdit(this);
    m_json->setObjectName(QStringLiteral("promptJson"));
    m_json->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_json->setTabChangesFocus(true);
    m_json->setPlaceholderText(tr("The answer as a JSON object"));
    m_json->setPlainText(QStringLiteral("{}"));
    connect(m_json, &QPlainTextEdit::textChanged, this, &PeelPromptForm::edited);
    layout()->addWidget(m_json);
}

QJsonObject PeelPromptForm::value(QString *problem) const
{
    QString said;
    QJsonObject out;
    if (m_form) {
        out = m_form->value();
        if (!m_form->isValid())
            said = m_form->summary();
    } else if (m_json) {
        QJsonParseError error {};
        const QJsonDocument doc = QJsonDocument::fromJson(m_json->toPlainText().toUtf8(), &error);
        out = doc.object();
        if (!doc.isObject())
            said = doc.isNull() ? tr("the answer is not JSON: %1").arg(error.errorString())
                                : tr("the answer must be a JSON object");
        else if (!m_schema.isEmpty())
            said = Catalog::SchemaValidator::describe(
                Catalog::SchemaValidator::validate(out, m_schema));
    }
    if (problem)
        *problem = said;
    return out;
}

void PeelPromptForm::setValue(const QJsonObject &value)
{
    if (m_form)
        m_form->setValue(value);
    else if (m_json)
        m_json->setPlainText(
            QString::fromUtf8(QJsonDocument(value).toJson(QJsonDocument::Indented)));
}

QWidget *PeelPromptForm::editor(const QString &name) const
{
    return m_form ? m_form->editor(name) : nullptr;
}

} // namespace Ui
