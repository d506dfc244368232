#include "submit/schemaform.h"

#include "submit/mediafield.h"
#include "submit/numberspinbox.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFontDatabase>
#include <QFormLayout>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QSpinBox>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <limits>

using Catalog::SchemaValidator;

namespace Ui {

namespace {

enum class Kind { Line, Text, Enum, Integer, Number, Boolean, Media, Json };

constexpr double NumberLimit = 1e12;

QString str(const QJsonObject &o, const char *key)
{
    return o.value(QLatin1String(key)).toString();
}

// Media inputs: the catalogs mark them with "x-media"; other schemas (Peel prompts, custom
// catalogs) are recognised by the usual names. Peel's plain "url" is a site address, which a
// local file cannot stand for, so "url" alone is not a media name.
std::optional<QString> mediaKind(const QString &name, const QJsonObject &schema)
{
    if (schema.contains(QLatin1String("x-media")))
        return str(schema, "x-media");
    static const char *const images[]
        = { "image_url", "image", "mask_url", "init_image", "image_file" };
    static const char *const videos[] = { "video_url", "video", "video_file" };
    static const char *const audios[] = { "audio_url", "audio", "audio_file" };
    static const char *const any[] = { "media_url", "file", "file_url", "media" };
    auto in = [&name](const auto &list) {
        return std::any_of(std::begin(list), std::end(list),
            [&name](const char *n) { return name == QLatin1String(n); });
    };
    if (in(images))
        return QStringLiteral("image");
    if (in(videos))
        return QStringLiteral("video");
    if (in(audios))
        return QStringLiteral("audio");
    if (in(any))
        return QString();
    return std::nullopt;
}

bool isLongText(const QString &name, const QJsonObject &schema)
{
    static const char *const names[] = { "prompt", "negative_prompt", "instructions", "text",
        "script", "description", "message", "response" };
    for (const char *n : names) {
        if (name == QLatin1String(n))
            return true;
    }
    return schema.value(QLatin1String("maxLength")).toInt() > 200;
}

Kind kindOf(const QString &name, const QJsonObject &schema)
{
    if (schema.value(QLatin1String("enum")).isArray())
        return Kind::Enum;
    const QString type = str(schema, "type");
    if (type == QLatin1String("boolean"))
        return Kind::Boolean;
    if (type == QLatin1String("integer"))
        return Kind::Integer;
    if (type == QLatin1String("number"))
        return Kind::Number;
    if (type == QLatin1String("string")) {
        if (mediaKind(name, schema))
            return Kind::Media;
        return isLongText(name, schema) ? Kind::Text : Kind::Line;
    }
    return Kind::Json; // arrays, objects, and anything untyped
}

// Rows after the required ones: what a person fills in first comes first; webhook/callback
// URLs, which the channel choice usually sets, come last.
int rankOf(Kind kind, const QString &name, const QJsonObject &schema)
{
    if (str(schema, "format") == QLatin1String("uri") && kind == Kind::Line)
        return name.contains(QLatin1String("webhook")) || name.contains(QLatin1String("callback"))
            ? 7
            : 1;
    switch (kind) {
    case Kind::Text:
        return 0;
    case Kind::Line:
    case Kind::Media:
        return 1;
    case Kind::Enum:
        return 2;
    case Kind::Integer:
    case Kind::Number:
        return 3;
    case Kind::Boolean:
        return 4;
    case Kind::Json:
        return 5;
    }
    return 6;
}

// Alphabetical, except that pairs read in their natural order (width before height).
QString orderKey(const QString &name)
{
    // Sizes first and the seed last among the numbers; pairs in their natural order.
    if (name == QLatin1String("width"))
        return QStringLiteral("!width");
    if (name == QLatin1String("height"))
        return QStringLiteral("!width~");
    if (name == QLatin1String("end_ms"))
        return QStringLiteral("start_ms~");
    if (name == QLatin1String("seed"))
        return QStringLiteral("~seed");
    return name;
}

QString humanize(const QString &name)
{
    QStringList words = name.split(QLatin1Char('_'), Qt::SkipEmptyParts);
    for (QString &w : words) {
        if (w == QLatin1String("url") || w == QLatin1String("fps") || w == QLatin1String("id")
            || w == QLatin1String("ms"))
            w = w.toUpper();
    }
    QString s = words.join(QLatin1Char(' '));
    if (!s.isEmpty())
        s[0] = s.at(0).toUpper();
    return s;
}

QString numberText(double d)
{
    return QString::number(d, 'g', 12);
}

QString jsonText(const QJsonValue &v)
{
    if (v.isObject() || v.isArray()) {
        const QJsonDocument doc
            = v.isObject() ? QJsonDocument(v.toObject()) : QJsonDocument(v.toArray());
        const QByteArray compact = doc.toJson(QJsonDocument::Compact);
        return QString::fromUtf8(
            compact.size() <= 60 ? compact : doc.toJson(QJsonDocument::Indented))
            .trimmed();
    }
    // QJsonDocument writes only objects and arrays: write the value inside one and unwrap it.
    const QByteArray wrapped = QJsonDocument(QJsonArray { v }).toJson(QJsonDocument::Compact);
    return QString::fromUtf8(wrapped.mid(1, wrapped.size() - 2));
}

// Any JSON value, scalars included (QJsonDocument alone accepts only objects and arrays).
std::optional<QJsonValue> parseJson(const QString &text, QString *error)
{
    QJsonParseError e;
    const QJsonDocument doc = QJsonDocument::fromJson("[" + text.toUtf8() + "]", &e);
    if (e.error != QJsonParseError::NoError || doc.array().size() != 1) {
        if (error) {
            *error = e.error != QJsonParseError::NoError
                ? QObject::tr("is not valid JSON (%1 at character %2)")
                      .arg(e.errorString())
                      .arg(std::max(0, e.offset - 1))
                : QObject::tr("is not valid JSON (more than one value)");
        }
        return std::nullopt;
    }
    return doc.array().at(0);
}

bool isIntegral(const QJsonValue &v)
{
    if (!v.isDouble())
        return false;
    const double d = v.toDouble();
    return std::isfinite(d) && std::floor(d) == d && d >= std::numeric_limits<int>::min()
        && d <= std::numeric_limits<int>::max();
}

} // namespace

struct SchemaForm::Field
{
    QString name;
    QJsonObject schema;
    Kind kind = Kind::Line;
    bool required = false;
    std::optional<QJsonValue> defaultValue;
    // A value setValue() gave that the editor cannot hold (a string for an integer, …); it is
    // what value() reports until the user edits the field.
    std::optional<QJsonValue> override;
    bool touched = false; // set by the user or by setValue()
    bool emptyIsValue = false; // an empty text means "" (it was given as "" or defaults to "")
    double min = 0; // the schema's range, for spin boxes
    double max = 0;
    int invalidItem = -1; // a combo item holding a value outside the enum
    QWidget *editor = nullptr;
    QLabel *label = nullptr;
    QLabel *error = nullptr;
};

SchemaForm::SchemaForm(QWidget *parent)
    : QWidget(parent)
    , m_summary(new QLabel(this))
    , m_rows(new QFormLayout)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_summary->setWordWrap(true);
    m_summary->setTextFormat(Qt::PlainText);
    m_summary->setStyleSheet(QStringLiteral("QLabel { color: #b3261e; }"));
    m_summary->setVisible(false);
    m_rows->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    m_rows->setLabelAlignment(Qt::AlignRight | Qt::AlignTop);
    layout->addWidget(m_summary);
    layout->addLayout(m_rows);
    layout->addStretch(1);
}

SchemaForm::SchemaForm(const QJsonObject &schema, QWidget *parent)
    : SchemaForm(parent)
{
    setSchema(schema);
}

SchemaForm::~SchemaForm() = default;

void SchemaForm::setSchema(const QJsonObject &schema)
{
    m_schema = schema;
    m_extra = {};
    clearRows();
    build();
    refresh();
    Q_EMIT changed();
}

void SchemaForm::clearRows()
{
    // Widgets first: their signals reach lambdas holding Field pointers.
    while (m_rows->rowCount() > 0)
        m_rows->removeRow(0);
    m_fields.clear();
}

void SchemaForm::build()
{
    const QJsonObject props = m_schema.value(QLatin1String("properties")).toObject();
    QStringList required;
    for (const QJsonValue &r : m_schema.value(QLatin1String("required")).toArray()) {
        if (props.contains(r.toString()) && !required.contains(r.toString()))
            required.append(r.toString());
    }

    for (auto it = props.begin(); it != props.end(); ++it) {
        auto f = std::make_unique<Field>();
        f->name = it.key();
        f->schema = it.value().toObject();
        f->kind = kindOf(f->name, f->schema);
        f->required = required.contains(f->name);
        if (f->schema.contains(QLatin1String("default")))
            f->defaultValue = f->schema.value(QLatin1String("default"));
        m_fields.push_back(std::move(f));
    }
    std::stable_sort(m_fields.begin(), m_fields.end(), [&required](const auto &a, const auto &b) {
        if (a->required != b->required)
            return a->required;
        if (a->required)
            return required.indexOf(a->name) < required.indexOf(b->name);
        const int ra = rankOf(a->kind, a->name, a->schema);
        const int rb = rankOf(b->kind, b->name, b->schema);
        return ra != rb ? ra < rb : orderKey(a->name) < orderKey(b->name);
    });

    for (const auto &owned : m_fields) {
        Field *f = owned.get();
        const QJsonObject &s = f->schema;
        QString tip = str(s, "description");
        auto addTip = [&tip](const QString &line) {
            tip += (tip.isEmpty() ? QString() : QStringLiteral("\n")) + line;
        };

        switch (f->kind) {
        case Kind::Line: {
            auto *edit = new QLineEdit;
            if (str(s, "format") == QLatin1String("uri"))
                edit->setPlaceholderText(QStringLiteral("https://…"));
            connect(edit, &QLineEdit::textEdited, this, [this, f] { edited(*f); });
            f->editor = edit;
            break;
        }
        case Kind::Text: {
            auto *edit = new QPlainTextEdit;
            edit->setTabChangesFocus(true);
            const int lines = s.value(QLatin1String("maxLength")).toInt() > 4000 ? 6 : 4;
            edit->setFixedHeight(edit->fontMetrics().lineSpacing() * lines + 12);
            connect(edit, &QPlainTextEdit::textChanged, this, [this, f] { edited(*f); });
            f->editor = edit;
            break;
        }
        case Kind::Media: {
            auto *media = new MediaField(mediaKind(f->name, s).value_or(QString()));
            connect(media, &MediaField::changed, this, [this, f] { edited(*f); });
            f->editor = media;
            break;
        }
        case Kind::Enum: {
            auto *combo = new QComboBox;
            if (!f->defaultValue)
                combo->addItem(f->required ? tr("Choose…") : tr("(not set)"));
            for (const QJsonValue &v : s.value(QLatin1String("enum")).toArray())
                combo->addItem(v.isString() ? v.toString() : jsonText(v), QVariant::fromValue(v));
            connect(combo, &QComboBox::currentIndexChanged, this, [this, f] { edited(*f); });
            f->editor = combo;
            break;
        }
        case Kind::Integer: {
            auto *spin = new QSpinBox;
            const double lo = std::numeric_limits<int>::min();
            const double hi = std::numeric_limits<int>::max();
            f->min = std::clamp(s.value(QLatin1String("minimum")).toDouble(lo), lo, hi);
            f->max = std::clamp(s.value(QLatin1String("maximum")).toDouble(hi), lo, hi);
            spin->setRange(int(std::ceil(f->min)), int(std::floor(f->max)));
            spin->setAccelerated(true);
            connect(spin, &QSpinBox::valueChanged, this, [this, f] { edited(*f); });
            f->editor = spin;
            break;
        }
        case Kind::Number: {
            auto *spin = new NumberSpinBox;
            f->min = s.value(QLatin1String("minimum")).toDouble(-NumberLimit);
            f->max = s.value(QLatin1String("maximum")).toDouble(NumberLimit);
            spin->setRange(f->min, f->max);
            const double span = f->max - f->min;
            spin->setSingleStep(span <= 1 ? 0.05 : span <= 5 ? 0.1 : span <= 50 ? 0.5 : 1);
            connect(spin, &QDoubleSpinBox::valueChanged, this, [this, f] { edited(*f); });
            f->editor = spin;
            break;
        }
        case Kind::Boolean: {
            auto *box = new QCheckBox;
            connect(box, &QCheckBox::toggled, this, [this, f] { edited(*f); });
            f->editor = box;
            break;
        }
        case Kind::Json: {
            auto *edit = new QPlainTextEdit;
            edit->setProperty("jsonEditor", true);
            edit->setTabChangesFocus(true);
            edit->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
            edit->setFixedHeight(edit->fontMetrics().lineSpacing() * 3 + 12);
            const bool array = str(s, "type") == QLatin1String("array");
            const bool uris
                = str(s.value(QLatin1String("items")).toObject(), "format") == QLatin1String("uri");
            edit->setPlaceholderText(array
                    ? (uris ? QStringLiteral("[\"https://…\", \"https://…\"]")
                            : QStringLiteral("[ … ]  (JSON)"))
                    : QStringLiteral("{ … }  (JSON)"));
            connect(edit, &QPlainTextEdit::textChanged, this, [this, f] { edited(*f); });
            f->editor = edit;
            break;
        }
        }
        f->editor->setObjectName(f->name);

        if (s.contains(QLatin1String("minimum")) && s.contains(QLatin1String("maximum")))
            addTip(tr("From %1 to %2.")
                       .arg(numberText(s.value(QLatin1String("minimum")).toDouble()),
                           numberText(s.value(QLatin1String("maximum")).toDouble())));
        else if (s.contains(QLatin1String("minimum")))
            addTip(
                tr("At least %1.").arg(numberText(s.value(QLatin1String("minimum")).toDouble())));
        if (s.contains(QLatin1String("maxLength")))
            addTip(tr("At most %1 characters.").arg(s.value(QLatin1String("maxLength")).toInt()));
        if (f->defaultValue
            && !(f->defaultValue->isString() && f->defaultValue->toString().isEmpty()))
            addTip(tr("Default: %1")
                       .arg(f->defaultValue->isString() ? f->defaultValue->toString()
                                                        : jsonText(*f->defaultValue)));
        if (f->required)
            addTip(tr("Required."));
        addTip(tr("Field: %1").arg(f->name));

        const QString title = str(s, "title").isEmpty() ? humanize(f->name) : str(s, "title");
        f->label = new QLabel(f->required ? title + QStringLiteral(" *") : title);
        f->label->setToolTip(tip);
        f->label->setBuddy(f->editor);
        if (f->required) {
            QFont bold = f->label->font();
            bold.setBold(true);
            f->label->setFont(bold);
        }
        f->editor->setToolTip(f->editor->toolTip().isEmpty() ? tip : f->editor->toolTip());

        f->error = new QLabel;
        f->error->setWordWrap(true);
        f->error->setTextFormat(Qt::PlainText);
        f->error->setStyleSheet(QStringLiteral("QLabel { color: #b3261e; }"));
        f->error->setVisible(false);

        auto *cell = new QWidget;
        auto *column = new QVBoxLayout(cell);
        column->setContentsMargins(0, 0, 0, 0);
        column->setSpacing(2);
        column->addWidget(f->editor);
        column->addWidget(f->error);
        m_rows->addRow(f->label, cell);

        m_updating = true;
        resetField(*f);
        m_updating = false;
    }
}

void SchemaForm::setField(Field &f, const QJsonValue &v)
{
    f.override.reset();
    if (f.invalidItem >= 0) {
        static_cast<QComboBox *>(f.editor)->removeItem(f.invalidItem);
        f.invalidItem = -1;
    }
    switch (f.kind) {
    case Kind::Line:
    case Kind::Text:
    case Kind::Media:
        if (!v.isString()) {
            f.override = v;
            return;
        }
        f.emptyIsValue = v.toString().isEmpty();
        if (auto *line = qobject_cast<QLineEdit *>(f.editor))
            line->setText(v.toString());
        else if (auto *text = qobject_cast<QPlainTextEdit *>(f.editor))
            text->setPlainText(v.toString());
        else
            static_cast<MediaField *>(f.editor)->setValue(v.toString());
        return;
    case Kind::Enum: {
        auto *combo = static_cast<QComboBox *>(f.editor);
        for (int i = 0; i < combo->count(); ++i) {
            if (combo->itemData(i).isValid() && combo->itemData(i).toJsonValue() == v) {
                combo->setCurrentIndex(i);
                return;
            }
        }
        // Shown, selected and reported, never silently replaced by an allowed value.
        combo->addItem(tr("%1 (not allowed)").arg(v.isString() ? v.toString() : jsonText(v)),
            QVariant::fromValue(v));
        f.invalidItem = combo->count() - 1;
        combo->setCurrentIndex(f.invalidItem);
        return;
    }
    case Kind::Integer: {
        if (!isIntegral(v)) {
            f.override = v;
            return;
        }
        auto *spin = static_cast<QSpinBox *>(f.editor);
        const int n = v.toInt();
        // Out of range: widen the box to show the value as given; the error says what is wrong.
        spin->setRange(std::min(n, int(std::ceil(f.min))), std::max(n, int(std::floor(f.max))));
        spin->setValue(n);
        return;
    }
    case Kind::Number: {
        if (!v.isDouble()) {
            f.override = v;
            return;
        }
        auto *spin = static_cast<QDoubleSpinBox *>(f.editor);
        const double d = v.toDouble();
        spin->setRange(std::min(d, f.min), std::max(d, f.max));
        spin->setValue(d);
        return;
    }
    case Kind::Boolean:
        if (!v.isBool()) {
            f.override = v;
            return;
        }
        static_cast<QCheckBox *>(f.editor)->setChecked(v.toBool());
        return;
    case Kind::Json:
        static_cast<QPlainTextEdit *>(f.editor)->setPlainText(jsonText(v));
        return;
    }
}

void SchemaForm::resetField(Field &f)
{
    if (f.defaultValue) {
        setField(f, *f.defaultValue);
        f.touched = false;
        return;
    }
    f.override.reset();
    f.touched = false;
    f.emptyIsValue = false;
    switch (f.kind) {
    case Kind::Enum: {
        auto *combo = static_cast<QComboBox *>(f.editor);
        if (f.invalidItem >= 0) {
            combo->removeItem(f.invalidItem);
            f.invalidItem = -1;
        }
        combo->setCurrentIndex(0);
        break;
    }
    case Kind::Integer: {
        auto *spin = static_cast<QSpinBox *>(f.editor);
        spin->setRange(int(std::ceil(f.min)), int(std::floor(f.max)));
        spin->setValue(std::clamp(0, spin->minimum(), spin->maximum()));
        break;
    }
    case Kind::Number: {
        auto *spin = static_cast<QDoubleSpinBox *>(f.editor);
        spin->setRange(f.min, f.max);
        spin->setValue(std::clamp(0.0, f.min, f.max));
        break;
    }
    case Kind::Boolean:
        static_cast<QCheckBox *>(f.editor)->setChecked(false);
        break;
    case Kind::Line:
        static_cast<QLineEdit *>(f.editor)->clear();
        break;
    case Kind::Text:
    case Kind::Json:
        static_cast<QPlainTextEdit *>(f.editor)->clear();
        break;
    case Kind::Media:
        static_cast<MediaField *>(f.editor)->setValue(QString());
        break;
    }
}

std::optional<QJsonValue> SchemaForm::fieldValue(const Field &f) const
{
    if (f.override)
        return f.override;
    const bool always = f.required || f.defaultValue || f.touched;
    switch (f.kind) {
    case Kind::Line:
    case Kind::Text:
    case Kind::Media: {
        QString text;
        if (auto *line = qobject_cast<QLineEdit *>(f.editor))
            text = line->text();
        else if (auto *edit = qobject_cast<QPlainTextEdit *>(f.editor))
            text = edit->toPlainText();
        else
            text = static_cast<MediaField *>(f.editor)->value();
        if (text.isEmpty() && !f.emptyIsValue)
            return std::nullopt;
        return QJsonValue(text);
    }
    case Kind::Enum: {
        const QVariant data = static_cast<QComboBox *>(f.editor)->currentData();
        if (!data.isValid())
            return std::nullopt;
        return data.toJsonValue();
    }
    case Kind::Integer:
        if (!always)
            return std::nullopt;
        return QJsonValue(static_cast<QSpinBox *>(f.editor)->value());
    case Kind::Number:
        if (!always)
            return std::nullopt;
        return QJsonValue(static_cast<QDoubleSpinBox *>(f.editor)->value());
    case Kind::Boolean:
        if (!always)
            return std::nullopt;
        return QJsonValue(static_cast<QCheckBox *>(f.editor)->isChecked());
    case Kind::Json: {
        const QString text = static_cast<QPlainTextEdit *>(f.editor)->toPlainText();
        if (text.trimmed().isEmpty())
            return std::nullopt;
        return parseJson(text, nullptr);
    }
    }
    return std::nullopt;
}

QJsonObject SchemaForm::value() const
{
    QJsonObject out = m_extra;
    for (const auto &f : m_fields) {
        if (const auto v = fieldValue(*f))
            out.insert(f->name, *v);
    }
    return out;
}

void SchemaForm::setValue(const QJsonObject &value)
{
    m_updating = true;
    m_extra = {};
    for (auto it = value.begin(); it != value.end(); ++it) {
        if (!fieldFor(it.key()))
            m_extra.insert(it.key(), it.value());
    }
    for (const auto &f : m_fields) {
        if (value.contains(f->name)) {
            setField(*f, value.value(f->name));
            f->touched = true;
        } else {
            resetField(*f);
        }
    }
    m_updating = false;
    refresh();
    Q_EMIT changed();
}

void SchemaForm::reset()
{
    setValue(QJsonObject());
}

void SchemaForm::edited(Field &f)
{
    if (m_updating)
        return;
    f.touched = true;
    f.override.reset();
    switch (f.kind) {
    case Kind::Enum:
        if (f.invalidItem >= 0) {
            auto *combo = static_cast<QComboBox *>(f.editor);
            if (combo->currentIndex() != f.invalidItem) {
                m_updating = true;
                combo->removeItem(f.invalidItem);
                f.invalidItem = -1;
                m_updating = false;
            }
        }
        break;
    case Kind::Integer: {
        // Back inside the schema's range: enforce it again.
        auto *spin = static_cast<QSpinBox *>(f.editor);
        if (spin->value() >= f.min && spin->value() <= f.max) {
            m_updating = true;
            spin->setRange(int(std::ceil(f.min)), int(std::floor(f.max)));
            m_updating = false;
        }
        break;
    }
    case Kind::Number: {
        auto *spin = static_cast<QDoubleSpinBox *>(f.editor);
        if (spin->value() >= f.min && spin->value() <= f.max) {
            m_updating = true;
            spin->setRange(f.min, f.max);
            m_updating = false;
        }
        break;
    }
    case Kind::Line:
    case Kind::Text:
    case Kind::Media:
        f.emptyIsValue
            = f.defaultValue && f.defaultValue->isString() && f.defaultValue->toString().isEmpty();
        break;
    case Kind::Boolean:
    case Kind::Json:
        break;
    }
    refresh();
    Q_EMIT changed();
}

void SchemaForm::refresh()
{
    m_problems = SchemaValidator::validate(value(), m_schema);
    for (const auto &f : m_fields) {
        if (f->kind != Kind::Json || f->override)
            continue;
        const QString text = static_cast<QPlainTextEdit *>(f->editor)->toPlainText();
        QString error;
        if (text.trimmed().isEmpty() || parseJson(text, &error))
            continue;
        // The text is the problem; "is required" (it counts as absent) would only distract.
        const QString path = QLatin1Char('/') + f->name;
        m_problems.removeIf([&path](const auto &p) { return p.path == path; });
        m_problems.append({ path, error });
    }
    std::stable_sort(m_problems.begin(), m_problems.end(),
        [](const auto &a, const auto &b) { return a.path < b.path; });

    QHash<Field *, QStringList> messages;
    for (const auto &p : std::as_const(m_problems)) {
        const QString path = p.path.mid(1);
        Field *f = fieldFor(path.section(QLatin1Char('/'), 0, 0));
        if (!f)
            continue;
        const QString rest = path.section(QLatin1Char('/'), 1);
        messages[f].append(rest.isEmpty() ? p.message : rest + QStringLiteral(": ") + p.message);
    }
    for (const auto &f : m_fields) {
        const QStringList list = messages.value(f.get());
        f->error->setText(list.join(QStringLiteral("; ")));
        f->error->setVisible(!list.isEmpty());
        f->editor->setProperty("invalid", !list.isEmpty());
    }
    const qsizetype n = m_problems.size();
    m_summary->setText(
        n == 0 ? QString() : (n == 1 ? tr("1 problem: ") : tr("%1 problems: ").arg(n)) + summary());
    m_summary->setVisible(m_showSummary && n > 0);
}

void SchemaForm::setSummaryVisible(bool visible)
{
    m_showSummary = visible;
    m_summary->setVisible(visible && !m_problems.isEmpty());
}

QString SchemaForm::summary() const
{
    return SchemaValidator::describe(m_problems);
}

QStringList SchemaForm::fieldNames() const
{
    QStringList out;
    for (const auto &f : m_fields)
        out.append(f->name);
    return out;
}

QWidget *SchemaForm::editor(const QString &name) const
{
    const Field *f = fieldFor(name);
    return f ? f->editor : nullptr;
}

QString SchemaForm::errorText(const QString &name) const
{
    const Field *f = fieldFor(name);
    return f ? f->error->text() : QString();
}

SchemaForm::Field *SchemaForm::fieldFor(const QString &name) const
{
    for (const auto &f : m_fields) {
        if (f->name == name)
            return f.get();
    }
    return nullptr;
}

} // namespace Ui
