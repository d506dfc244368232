// Tests of Ui::SchemaForm: a form per shipped task schema, its defaults, ranges, enums, inline
// errors and the value it stands for.
#include "catalog/schemavalidator.h"
#include "catalog/taskcatalog.h"
#include "submit/mediafield.h"
#include "submit/schemaform.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>

using Catalog::SchemaValidator;
using Ui::SchemaForm;

namespace {

QJsonObject taskSchema(const QString &dialect, const QString &path)
{
    static const Catalog::TaskCatalog catalog;
    const Catalog::TaskInfo *t = catalog.find(dialect, path);
    return t ? t->inputSchema : QJsonObject();
}

// A plausible value for a required property without a default.
QJsonValue sample(const QJsonObject &s)
{
    if (s.value(QLatin1String("enum")).isArray())
        return s.value(QLatin1String("enum")).toArray().first();
    const QString type = s.value(QLatin1String("type")).toString();
    if (type == QLatin1String("array")) {
        QJsonArray a;
        for (int i = 0; i < std::max(1, s.value(QLatin1String("minItems")).toInt()); ++i)
            a.append(sample(s.value(QLatin1String("items")).toObject()));
        return a;
    }
    if (type == QLatin1String("object"))
        return QJsonObject();
    if (type == QLatin1String("integer") || type == QLatin1String("number"))
        return s.value(QLatin1String("minimum")).toDouble(1);
    if (type == QLatin1String("boolean"))
        return true;
    return s.value(QLatin1String("format")).toString() == QLatin1String("uri")
            || s.contains(QLatin1String("x-media"))
        ? QStringLiteral("https://example.com/input.bin")
        : QStringLiteral("a red fox");
}

QStringList problemPaths(const QList<SchemaValidator::Problem> &problems)
{
    QStringList out;
    for (const auto &p : problems)
        out.append(p.path + QLatin1Char(' ') + p.message);
    return out;
}

} // namespace

class TestSchemaForm final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // Every shipped task of every dialect gets a form with a row per property; every default is
    // pre-filled; the defaults validate except for required fields without one, and once those
    // are filled the value validates with SchemaValidator.
    void everyShippedTaskBuilds()
    {
        const Catalog::TaskCatalog catalog;
        int forms = 0;
        for (const QString &dialect : catalog.dialects()) {
            for (const Catalog::TaskInfo &task : catalog.tasks(dialect)) {
                const QString what = dialect + QLatin1Char('/') + task.path;
                SchemaForm form(task.inputSchema);
                const QJsonObject props
                    = task.inputSchema.value(QLatin1String("properties")).toObject();
                QStringList names = form.fieldNames();
                names.sort();
                QCOMPARE(names, props.keys());
                const QJsonObject value = form.value();
                QStringList requiredWithoutDefault;
                for (auto it = props.begin(); it != props.end(); ++it) {
                    const QJsonObject s = it.value().toObject();
                    QVERIFY2(form.editor(it.key()), qPrintable(what + QLatin1Char(' ') + it.key()));
                    if (s.contains(QLatin1String("default"))) {
                        const QJsonValue got = value.value(it.key());
                        const QJsonValue want = s.value(QLatin1String("default"));
                        QVERIFY2(got == want
                                || (got.isDouble() && got.toDouble() == want.toDouble())
                                || (want.toString().isEmpty() && want.isString()
                                    && got.toString().isEmpty()),
                            qPrintable(what + QLatin1Char(' ') + it.key()));
                    }
                }
                for (const QJsonValue &r :
                    task.inputSchema.value(QLatin1String("required")).toArray()) {
                    if (!props.value(r.toString()).toObject().contains(QLatin1String("default")))
                        requiredWithoutDefault.append(r.toString());
                }
                for (const auto &p : SchemaValidator::validate(value, task.inputSchema)) {
                    QVERIFY2(p.message == QLatin1String("is required")
                            && requiredWithoutDefault.contains(p.path.mid(1)),
                        qPrintable(
                            what + QLatin1Char(' ') + p.path + QLatin1Char(' ') + p.message));
                    QCOMPARE(form.errorText(p.path.mid(1)), QStringLiteral("is required"));
                }
                QJsonObject filled = value;
                for (const QString &name : requiredWithoutDefault)
                    filled.insert(name, sample(props.value(name).toObject()));
                form.setValue(filled);
                QVERIFY2(form.isValid(), qPrintable(what + QLatin1String(": ") + form.summary()));
                QVERIFY2(SchemaValidator::validate(form.value(), task.inputSchema).isEmpty(),
                    qPrintable(
                        problemPaths(SchemaValidator::validate(form.value(), task.inputSchema))
                            .join(QLatin1Char(','))));
                ++forms;
            }
        }
        QVERIFY(forms >= 19);
    }

    // Each kind of property gets the editor the brief names.
    void editorsFollowTheSchema()
    {
        SchemaForm txt2img(
            taskSchema(QStringLiteral("deapi"), QStringLiteral("api/v1/client/txt2img")));
        QVERIFY(qobject_cast<QPlainTextEdit *>(txt2img.editor(QStringLiteral("prompt"))));
        QVERIFY(qobject_cast<QComboBox *>(txt2img.editor(QStringLiteral("model"))));
        QVERIFY(qobject_cast<QSpinBox *>(txt2img.editor(QStringLiteral("width"))));
        QVERIFY(qobject_cast<QDoubleSpinBox *>(txt2img.editor(QStringLiteral("guidance"))));
        QVERIFY(qobject_cast<QLineEdit *>(txt2img.editor(QStringLiteral("webhook_url"))));
        QCOMPARE(txt2img.fieldNames().first(), QStringLiteral("prompt")); // required first
        QVERIFY(txt2img.fieldNames().indexOf(QStringLiteral("width"))
            < txt2img.fieldNames().indexOf(QStringLiteral("height")));
        QCOMPARE(txt2img.fieldNames().last(), QStringLiteral("webhook_url"));

        SchemaForm img2img(
            taskSchema(QStringLiteral("deapi"), QStringLiteral("api/v1/client/img2img")));
        QVERIFY(qobject_cast<Ui::MediaField *>(img2img.editor(QStringLiteral("image"))));
        SchemaForm render(taskSchema(QStringLiteral("peako"), QStringLiteral("api/render")));
        QVERIFY(render.editor(QStringLiteral("props"))->property("jsonEditor").toBool());
        QVERIFY(qobject_cast<QLineEdit *>(
            render.editor(QStringLiteral("title")))); // maxLength 200: one line
        SchemaForm build(taskSchema(QStringLiteral("peel"), QStringLiteral("v1/apis")));
        QVERIFY(qobject_cast<QCheckBox *>(build.editor(QStringLiteral("wait_for_completion"))));
        QVERIFY(
            qobject_cast<QLineEdit *>(build.editor(QStringLiteral("url")))); // a site, not a file
        SchemaForm transcribe(
            taskSchema(QStringLiteral("peako"), QStringLiteral("api/transcribe")));
        QVERIFY(qobject_cast<QPlainTextEdit *>(
            transcribe.editor(QStringLiteral("script")))); // maxLength 20000
        QVERIFY(qobject_cast<Ui::MediaField *>(transcribe.editor(QStringLiteral("media_url"))));
    }

    // Spin boxes carry the schema's range, so typing or stepping cannot leave it.
    void rangesAreEnforced()
    {
        SchemaForm form(
            taskSchema(QStringLiteral("deapi"), QStringLiteral("api/v1/client/txt2img")));
        auto *width = qobject_cast<QSpinBox *>(form.editor(QStringLiteral("width")));
        QCOMPARE(width->minimum(), 64);
        QCOMPARE(width->maximum(), 2048);
        width->setValue(99999);
        QCOMPARE(form.value().value(QLatin1String("width")).toInt(), 2048);
        width->selectAll();
        QTest::keyClicks(width, QStringLiteral("5"));
        QVERIFY(width->value() >= 64);
        auto *guidance = qobject_cast<QDoubleSpinBox *>(form.editor(QStringLiteral("guidance")));
        QCOMPARE(guidance->minimum(), 0.0);
        QCOMPARE(guidance->maximum(), 20.0);
        QCOMPARE(guidance->value(), 3.5);
        QCOMPARE(guidance->text(), QStringLiteral("3.5"));
        auto *seed = qobject_cast<QSpinBox *>(form.editor(QStringLiteral("seed")));
        QCOMPARE(seed->minimum(), -1);
        QCOMPARE(seed->value(), -1);
    }

    // An out-of-range value from setValue is neither clamped nor hidden: it stays in value(), its
    // field shows the validator's message, and editing back into range clears it.
    void outOfRangeValueShowsOnItsField()
    {
        SchemaForm form(
            taskSchema(QStringLiteral("deapi"), QStringLiteral("api/v1/client/txt2img")));
        QSignalSpy changed(&form, &SchemaForm::changed);
        form.setValue(QJsonObject {
            { QLatin1String("prompt"), QStringLiteral("x") }, { QLatin1String("width"), 4096 } });
        QCOMPARE(changed.size(), 1);
        QCOMPARE(form.value().value(QLatin1String("width")).toInt(), 4096);
        QCOMPARE(form.errorText(QStringLiteral("width")), QStringLiteral("must be at most 2048"));
        QVERIFY(form.errorText(QStringLiteral("height")).isEmpty());
        QVERIFY(!form.isValid());
        QVERIFY(form.summary().contains(QLatin1String("width: must be at most 2048")));
        auto *width = qobject_cast<QSpinBox *>(form.editor(QStringLiteral("width")));
        QCOMPARE(width->value(), 4096);
        width->setValue(1024);
        QCOMPARE(changed.size(), 2);
        QVERIFY(form.errorText(QStringLiteral("width")).isEmpty());
        QVERIFY(form.isValid());
        QCOMPARE(width->maximum(), 2048);

        // A value of the wrong type is kept and reported too.
        form.setValue(QJsonObject { { QLatin1String("prompt"), QStringLiteral("x") },
            { QLatin1String("steps"), QStringLiteral("many") } });
        QCOMPARE(form.value().value(QLatin1String("steps")).toString(), QStringLiteral("many"));
        QVERIFY(form.errorText(QStringLiteral("steps"))
                    .startsWith(QLatin1String("must be an integer")));
    }

    // A missing required value is reported on that field and clears once typed.
    void missingRequiredShowsOnItsField()
    {
        SchemaForm form(
            taskSchema(QStringLiteral("imagepipeline"), QStringLiteral("edit/image/v1")));
        QCOMPARE(form.errorText(QStringLiteral("prompt")), QStringLiteral("is required"));
        QCOMPARE(form.errorText(QStringLiteral("image_url")), QStringLiteral("is required"));
        QVERIFY(form.errorText(QStringLiteral("strength")).isEmpty());
        QSignalSpy changed(&form, &SchemaForm::changed);
        QTest::keyClicks(form.editor(QStringLiteral("prompt")), QStringLiteral("sunset"));
        QVERIFY(changed.size() >= 1);
        QVERIFY(form.errorText(QStringLiteral("prompt")).isEmpty());
        auto *media = qobject_cast<Ui::MediaField *>(form.editor(QStringLiteral("image_url")));
        QTest::keyClicks(media->lineEdit(), QStringLiteral("not a url"));
        QCOMPARE(
            form.errorText(QStringLiteral("image_url")), QStringLiteral("must be an absolute URL"));
        media->lineEdit()->clear();
        QTest::keyClicks(media->lineEdit(), QStringLiteral("https://example.com/cat.png"));
        QVERIFY2(form.isValid(), qPrintable(form.summary()));
        QCOMPARE(form.value().value(QLatin1String("prompt")).toString(), QStringLiteral("sunset"));
    }

    // Enum combos hold exactly the enum values with the default selected; a value outside the
    // enum is shown as such and reported.
    void enumCombosHoldTheEnum()
    {
        const Catalog::TaskCatalog catalog;
        int combos = 0;
        for (const QString &dialect : catalog.dialects()) {
            for (const Catalog::TaskInfo &task : catalog.tasks(dialect)) {
                SchemaForm form(task.inputSchema);
                const QJsonObject props
                    = task.inputSchema.value(QLatin1String("properties")).toObject();
                for (auto it = props.begin(); it != props.end(); ++it) {
                    const QJsonObject s = it.value().toObject();
                    if (!s.contains(QLatin1String("enum")))
                        continue;
                    auto *combo = qobject_cast<QComboBox *>(form.editor(it.key()));
                    QVERIFY(combo);
                    QJsonArray values;
                    for (int i = 0; i < combo->count(); ++i) {
                        if (combo->itemData(i).isValid())
                            values.append(combo->itemData(i).toJsonValue());
                    }
                    QCOMPARE(values, s.value(QLatin1String("enum")).toArray());
                    if (s.contains(QLatin1String("default")))
                        QCOMPARE(
                            combo->currentData().toJsonValue(), s.value(QLatin1String("default")));
                    else
                        QVERIFY(!combo->currentData().isValid()); // "Choose…": nothing chosen yet
                    ++combos;
                }
            }
        }
        QVERIFY(combos >= 10);

        SchemaForm form(
            taskSchema(QStringLiteral("imagepipeline"), QStringLiteral("upscale/image/v1")));
        form.setValue(
            QJsonObject { { QLatin1String("image_url"), QStringLiteral("https://e.com/a.png") },
                { QLatin1String("output_format"), QStringLiteral("gif") } });
        auto *combo = qobject_cast<QComboBox *>(form.editor(QStringLiteral("output_format")));
        QVERIFY(combo->currentText().contains(QLatin1String("gif")));
        QCOMPARE(
            form.value().value(QLatin1String("output_format")).toString(), QStringLiteral("gif"));
        QVERIFY(form.errorText(QStringLiteral("output_format"))
                    .startsWith(QLatin1String("must be one of webp, png, jpeg")));
        combo->setCurrentIndex(combo->findText(QStringLiteral("png")));
        QVERIFY(form.isValid());
        QCOMPARE(combo->findText(QStringLiteral("gif (not allowed)")), -1);
        QCOMPARE(qobject_cast<QComboBox *>(form.editor(QStringLiteral("scale")))
                     ->currentData()
                     .toJsonValue(),
            QJsonValue(2));
    }

    // Untouched optional fields without a default stay out of value(); touched ones and unknown
    // keys from setValue are kept.
    void valueOmitsUntouchedOptionals()
    {
        SchemaForm form(taskSchema(QStringLiteral("peako"), QStringLiteral("api/transcribe")));
        QVERIFY(!form.value().contains(QLatin1String("script")));
        QVERIFY(form.value().contains(QLatin1String("language")));
        QTest::keyClicks(form.editor(QStringLiteral("script")), QStringLiteral("Hello"));
        QCOMPARE(form.value().value(QLatin1String("script")).toString(), QStringLiteral("Hello"));
        form.setValue(
            QJsonObject { { QLatin1String("media_url"), QStringLiteral("https://e.com/a.mp4") },
                { QLatin1String("x_custom"), 7 } });
        QVERIFY(!form.value().contains(QLatin1String("script")));
        QCOMPARE(form.value().value(QLatin1String("x_custom")).toInt(), 7);
        QCOMPARE(form.value().value(QLatin1String("duration_s")).toInt(), 20);
    }

    // The JSON editor of arrays and objects reports bad JSON on its field and passes good JSON on.
    void jsonEditorParses()
    {
        SchemaForm form(taskSchema(QStringLiteral("peako"), QStringLiteral("api/video/merge")));
        auto *urls = qobject_cast<QPlainTextEdit *>(form.editor(QStringLiteral("video_urls")));
        QVERIFY(urls);
        QCOMPARE(form.errorText(QStringLiteral("video_urls")), QStringLiteral("is required"));
        urls->setPlainText(QStringLiteral("[\"https://e.com/a.mp4\", "));
        QVERIFY(form.errorText(QStringLiteral("video_urls"))
                    .startsWith(QLatin1String("is not valid JSON")));
        QVERIFY(!form.isValid());
        urls->setPlainText(QStringLiteral("[\"https://e.com/a.mp4\"]"));
        QCOMPARE(
            form.errorText(QStringLiteral("video_urls")), QStringLiteral("needs at least 2 items"));
        urls->setPlainText(QStringLiteral("[\"https://e.com/a.mp4\", \"nope\"]"));
        QCOMPARE(form.errorText(QStringLiteral("video_urls")),
            QStringLiteral("1: must be an absolute URL"));
        urls->setPlainText(QStringLiteral("[\"https://e.com/a.mp4\", \"https://e.com/b.mp4\"]"));
        QVERIFY2(form.isValid(), qPrintable(form.summary()));
        QCOMPARE(form.value().value(QLatin1String("video_urls")).toArray().size(), 2);
    }

    // A chosen small file becomes a data: URL with its MIME type, a large one a file://localhost
    // URL; both pass the schema's "uri" format.
    void chosenFilesBecomeUrls()
    {
        QTemporaryDir dir;
        const QString png = dir.filePath(QStringLiteral("cat.png"));
        QImage image(8, 8, QImage::Format_RGB32);
        image.fill(Qt::red);
        QVERIFY(image.save(png));
        SchemaForm form(
            taskSchema(QStringLiteral("imagepipeline"), QStringLiteral("upscale/image/v1")));
        auto *media = qobject_cast<Ui::MediaField *>(form.editor(QStringLiteral("image_url")));
        QSignalSpy changed(&form, &SchemaForm::changed);
        QVERIFY(media->chooseFile(png));
        QCOMPARE(changed.size(), 1);
        const QString url = form.value().value(QLatin1String("image_url")).toString();
        QVERIFY(url.startsWith(QLatin1String("data:image/png;base64,")));
        QVERIFY(media->lineEdit()->text().contains(QLatin1String("cat.png")));
        QVERIFY2(form.isValid(), qPrintable(form.summary()));

        const QString big = dir.filePath(QStringLiteral("big film.mp4"));
        QFile file(big);
        QVERIFY(file.open(QIODevice::WriteOnly));
        QVERIFY(file.resize(Ui::MediaField::EmbedLimit + 1));
        file.close();
        QVERIFY(media->chooseFile(big));
        QVERIFY(form.value()
                    .value(QLatin1String("image_url"))
                    .toString()
                    .startsWith(QLatin1String("file://localhost/")));
        QVERIFY2(form.isValid(), qPrintable(form.summary()));
        QVERIFY(!media->chooseFile(dir.filePath(QStringLiteral("missing.png"))));
    }
};

QTEST_MAIN(TestSchemaForm)
#include "tst_schemaform.moc"
