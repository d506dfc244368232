#pragma once

#include "catalog/schemavalidator.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QStringList>
#include <QWidget>
#include <memory>
#include <optional>
#include <vector>

class QFormLayout;
class QLabel;

namespace Ui {

// A form generated from a JSON Schema object (a task's input_schema, or Peel's needs_input
// prompt). One row per property:
//   string → QLineEdit (QPlainTextEdit for long text: prompt, instructions, text, script, … or
//   maxLength > 200); enum → QComboBox holding the enum values; integer / number → QSpinBox /
//   NumberSpinBox with the schema's range; boolean → QCheckBox; media inputs (x-media, or names
//   image_url, video_url, audio_url, media_url, image, file, …) → MediaField; array / object →
//   a small JSON editor.
// Defaults are pre-filled, required fields are marked "*", a property's title is its label and
// its description (plus range and default) its tooltip. Rows: required fields first (in the
// schema's order), then the rest grouped by kind.
//
// value() is the body the form stands for: untouched optional fields without a default are
// left out, properties the schema does not know (from setValue) are kept as they are. A value
// the editor cannot show (out of range, not in the enum, wrong type) is never clamped or
// dropped: the field shows it as given and marks it. Problems (SchemaValidator's, plus JSON
// editors' parse errors) are shown under the offending field and summarised above the form;
// they are recomputed on every change. `changed()` fires once per user edit and once per
// setSchema() / setValue().
class SchemaForm final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SchemaForm)

public:
    explicit SchemaForm(QWidget *parent = nullptr);
    explicit SchemaForm(const QJsonObject &schema, QWidget *parent = nullptr);
    ~SchemaForm() override;

    // Rebuilds every row; all fields at their defaults.
    void setSchema(const QJsonObject &schema);
    QJsonObject schema() const { return m_schema; }

    QJsonObject value() const;
    // Fields named in `value` take its values; every other field goes back to its default.
    void setValue(const QJsonObject &value);
    // Every field back to its default.
    void reset();

    QList<Catalog::SchemaValidator::Problem> problems() const { return m_problems; }
    bool isValid() const { return m_problems.isEmpty(); }
    // The problems in one sentence ("width: must be at most 2048; prompt: is required").
    QString summary() const;
    // The summary line above the rows (shown by default); hide it where the owner shows
    // summary() itself.
    void setSummaryVisible(bool visible);

    // Property names in row order; a field's editor widget and its shown error (empty if none).
    QStringList fieldNames() const;
    QWidget *editor(const QString &name) const;
    QString errorText(const QString &name) const;

Q_SIGNALS:
    void changed();

private:
    struct Field;

    void build();
    void clearRows();
    void setField(Field &f, const QJsonValue &v);
    void resetField(Field &f);
    std::optional<QJsonValue> fieldValue(const Field &f) const;
    void edited(Field &f);
    void refresh();
    Field *fieldFor(const QString &name) const;

    QJsonObject m_schema;
    QJsonObject m_extra; // properties of setValue() the schema does not describe
    std::vector<std::unique_ptr<Field>> m_fields;
    QList<Catalog::SchemaValidator::Problem> m_problems;
    QLabel *m_summary;
    QFormLayout *m_rows;
    bool m_updating = false;
    bool m_showSummary = true;
};

} // namespace Ui
