// Tests of the task catalogs shipped in resources/ and of the JSON Schema subset validator.
#include "catalog/schemavalidator.h"
#include "catalog/taskcatalog.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using Catalog::SchemaValidator;

class TestCatalog final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // Every dialect ships a catalog whose tasks have a path, an output kind and an object schema;
    // Peako has render, transcribe and all seven video operations.
    void shippedCatalogsAreComplete()
    {
        const Catalog::TaskCatalog catalog;
        QCOMPARE(catalog.dialects().size(), 5);
        for (const QString &d : catalog.dialects()) {
            QVERIFY2(!catalog.tasks(d).isEmpty(), qPrintable(d));
            for (const auto &t : catalog.tasks(d)) {
                QVERIFY(!t.path.isEmpty());
                QVERIFY(!t.output.isEmpty());
                QCOMPARE(t.inputSchema.value(QLatin1String("type")).toString(),
                    QStringLiteral("object"));
            }
        }
        for (const char *op :
            { "trim", "merge", "mute", "add-audio", "subtitle", "blur", "speed-ramp" })
            QVERIFY2(catalog.find(
                         QStringLiteral("peako"), QStringLiteral("api/video/") + QLatin1String(op)),
                op);
        QVERIFY(catalog.find(QStringLiteral("peako"), QStringLiteral("/api/render")));
        QVERIFY(!catalog.find(QStringLiteral("peako"), QStringLiteral("api/nothing")));
        QCOMPARE(
            catalog.find(QStringLiteral("peako"), QStringLiteral("api/video/speed-ramp"))->jobType,
            QStringLiteral("PEAKO_SPEED_RAMP"));
    }

    // Every problem is reported with its path and a readable message.
    void validatorReportsEveryProblem()
    {
        const QJsonObject schema = QJsonDocument::fromJson(
            "{ \"type\":\"object\",\"required\":[\"prompt\",\"n\"],\"additionalProperties\":false, "
            "\"properties\":{\"prompt\":{\"type\":\"string\",\"minLength\":1}, "
            "\"n\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":4}, "
            "\"fmt\":{\"type\":\"string\",\"enum\":[\"png\",\"webp\"]}, "
            "\"url\":{\"type\":\"string\",\"format\":\"uri\"}, "
            "\"list\":{\"type\":\"array\",\"minItems\":2,\"items\":{\"type\":\"number\"}}}}")
                                       .object();
        const QJsonObject good = QJsonDocument::fromJson(
            "{\"prompt\":\"x\",\"n\":2,\"url\":\"https://a/b\",\"list\":[1,2.5]}")
                                     .object();
        const QJsonObject bad
            = QJsonDocument::fromJson("{\"prompt\":\"\",\"n\":2.5,\"fmt\":\"gif\",\"url\":\"not a "
                                      "url\",\"list\":[1,\"x\"],\"extra\":1}")
                  .object();
        QVERIFY(SchemaValidator::validate(good, schema).isEmpty());
        const auto problems = SchemaValidator::validate(bad, schema);
        QStringList paths;
        for (const auto &p : problems)
            paths.append(p.path);
        QCOMPARE(paths,
            (QStringList { QStringLiteral("/extra"), QStringLiteral("/fmt"),
                QStringLiteral("/list/1"), QStringLiteral("/n"), QStringLiteral("/prompt"),
                QStringLiteral("/url") }));
        const QString text = SchemaValidator::describe(problems);
        QVERIFY(text.contains(QLatin1String("n: must be an integer")));
        QVERIFY(text.contains(QLatin1String("fmt: must be one of png, webp")));
        QVERIFY(text.contains(QLatin1String("url: must be an absolute URL")));
        const auto missing = SchemaValidator::validate(QJsonObject(), schema);
        QCOMPARE(missing.size(), 2);
        QVERIFY(SchemaValidator::describe(missing).contains(QLatin1String("prompt: is required")));
        QCOMPARE(SchemaValidator::validate(QJsonArray { 1 }, schema).first().message,
            QStringLiteral("must be an object, not an array"));
    }

    // Defaults fill absent properties only.
    void defaultsFillGaps()
    {
        const QJsonObject schema = QJsonDocument::fromJson(
            "{\"type\":\"object\",\"properties\":{\"w\":{\"type\":\"integer\",\"default\":512},"
            "\"h\":{\"type\":\"integer\",\"default\":256}}}")
                                       .object();
        const QJsonObject out
            = SchemaValidator::withDefaults(QJsonObject { { QLatin1String("w"), 64 } }, schema);
        QCOMPARE(out.value(QLatin1String("w")).toInt(), 64);
        QCOMPARE(out.value(QLatin1String("h")).toInt(), 256);
    }
};

QTEST_GUILESS_MAIN(TestCatalog)
#include "tst_catalog.moc"
