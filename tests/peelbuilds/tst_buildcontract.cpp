// BuildContract reads a Peel record (or the adapter's extras) into endpoints with their schemas
// and call paths, the needs_input prompt, and starting inputs from schemas — and survives
// malformed records by reporting problems instead of inventing endpoints.
#include "peelbuilds/buildcontract.h"
#include "sandbox/peelcontract.h"
#include "testjson.h"

#include <QJsonArray>
#include <QTest>

using namespace TestSupport;
using PeelBuilds::BuildContract;

class TestBuildContract final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void readsTheSandboxContract()
    {
        // A completed record's endpoints (as the sandbox synthesises them) become name, method,
        // call path, description and both schemas.
        const QJsonArray endpoints
            = Sandbox::PeelContract::endpointsFor(QStringLiteral("https://news.example.com/"),
                QStringLiteral("Get top stories with title, score, and author"));
        const QJsonObject record { { k("id"), QStringLiteral("api_1") },
            { k("status"), QStringLiteral("completed") }, { k("endpoints"), endpoints },
            { k("instructions"), QStringLiteral("Get top stories with title, score, and author") },
            { k("source_url"), QStringLiteral("https://news.example.com/") },
            { k("build"), QJsonObject { { k("number"), 3 } } },
            { k("links"),
                QJsonObject { { k("endpoint_call_template"),
                    QStringLiteral("/v1/apis/api_1/endpoints/{endpoint_name}:call") } } } };
        const BuildContract c = BuildContract::fromRecord(record);
        QCOMPARE(c.apiId(), QStringLiteral("api_1"));
        QVERIFY2(c.problems().isEmpty(), qPrintable(c.problems().join(QLatin1String("; "))));
        QCOMPARE(c.endpoints().size(), 1);
        const PeelBuilds::BuildEndpoint e = c.endpoints().first();
        QCOMPARE(e.name, QStringLiteral("get_top_stories"));
        QCOMPARE(e.method, QStringLiteral("GET"));
        QCOMPARE(e.callPath, QStringLiteral("/v1/apis/api_1/endpoints/get_top_stories:call"));
        QCOMPARE(e.description, QStringLiteral("Get top stories with title, score, and author"));
        QCOMPARE(e.type, QStringLiteral("data"));
        QCOMPARE(e.creditCost, 1);
        QCOMPARE(e.inputSchema.value(k("properties"))
                     .toObject()
                     .value(k("limit"))
                     .toObject()
                     .value(k("default"))
                     .toInt(),
            10);
        const QJsonObject item = e.outputSchema.value(k("properties"))
                                     .toObject()
                                     .value(k("items"))
                                     .toObject()
                                     .value(k("items"))
                                     .toObject();
        QCOMPARE(item.value(k("properties"))
                     .toObject()
                     .value(k("score"))
                     .toObject()
                     .value(k("type"))
                     .toString(),
            QStringLiteral("integer"));
        QCOMPARE(c.buildNumber(), 3);
        QVERIFY(!c.hasPrompt());
        QVERIFY(c.endpoint(QStringLiteral("get_top_stories")));
        QVERIFY(!c.endpoint(QStringLiteral("nope")));
        QCOMPARE(BuildContract::exampleInput(e.inputSchema), (QJsonObject { { k("limit"), 10 } }));
    }

    void callPathFallsBackToTheDocumentedOne()
    {
        // Without links the documented :call path is used for the API id given.
        const QJsonObject extra { { k("endpoints"),
            QJsonArray { QJsonObject { { k("endpoint_name"), QStringLiteral("list") },
                { k("input_schema"), QJsonObject {} } } } } };
        const BuildContract c = BuildContract::fromExtra(QStringLiteral("a b"), extra);
        QCOMPARE(c.endpoints().size(), 1);
        QCOMPARE(
            c.endpoints().first().callPath, QStringLiteral("/v1/apis/a b/endpoints/list:call"));
        QCOMPARE(c.endpoints().first().creditCost, -1);
    }

    void readsThePrompt()
    {
        // A needs_input record's user_input_prompt gives the message and its input schema.
        const QJsonObject schema { { k("type"), QStringLiteral("object") },
            { k("required"), QJsonArray { QStringLiteral("region") } },
            { k("properties"),
                QJsonObject { { k("region"),
                    QJsonObject { { k("type"), QStringLiteral("string") },
                        { k("enum"),
                            QJsonArray { QStringLiteral("us"), QStringLiteral("eu") } } } } } } };
        const QJsonObject extra { { k("user_input_prompt"),
            QJsonObject { { k("message"), QStringLiteral("Which region?") },
                { k("input_schema"), schema } } } };
        const BuildContract c = BuildContract::fromExtra(QStringLiteral("x"), extra);
        QVERIFY(c.hasPrompt());
        QCOMPARE(c.promptMessage(), QStringLiteral("Which region?"));
        QCOMPARE(c.promptSchema(), schema);
        QVERIFY(c.endpoints().isEmpty());
        QCOMPARE(BuildContract::exampleInput(schema),
            (QJsonObject { { k("region"), QStringLiteral("us") } }));

        const BuildContract plain = BuildContract::fromExtra(QStringLiteral("x"),
            QJsonObject { { k("user_input_prompt"), QStringLiteral("Say more") } });
        QVERIFY(plain.hasPrompt());
        QCOMPARE(plain.promptMessage(), QStringLiteral("Say more"));
        QCOMPARE(plain.problems().size(), 1);
    }

    void malformedRecordsGiveProblemsNotEndpoints()
    {
        // Entries that are not objects or have no name are skipped and reported; a non-array
        // endpoints is reported.
        const QJsonObject extra {
            { k("endpoints"),
                QJsonArray { 42, QJsonObject { { k("description"), QStringLiteral("nameless") } },
                    QJsonObject { { k("endpoint_name"), QStringLiteral("ok") },
                        { k("input_schema"), QJsonObject {} } } } },
            { k("user_input_prompt"), 7 }
        };
        const BuildContract c = BuildContract::fromExtra(QStringLiteral("x"), extra);
        QCOMPARE(c.endpoints().size(), 1);
        QCOMPARE(c.endpoints().first().name, QStringLiteral("ok"));
        QCOMPARE(c.problems().size(), 3);
        QVERIFY(!c.hasPrompt());

        const BuildContract wrong = BuildContract::fromExtra(
            QStringLiteral("x"), QJsonObject { { k("endpoints"), QStringLiteral("all") } });
        QVERIFY(wrong.endpoints().isEmpty());
        QCOMPARE(wrong.problems(), QStringList { QStringLiteral("endpoints is not an array") });
    }

    void exampleInputPrefersDefaultsThenExamples()
    {
        // default beats example beats examples[0]; only required fields get placeholders; a
        // schema-level example wins outright.
        const QJsonObject schema {
            { k("type"), QStringLiteral("object") },
            { k("required"),
                QJsonArray {
                    QStringLiteral("n"), QStringLiteral("flag"), QStringLiteral("name") } },
            { k("properties"),
                QJsonObject { { k("a"), QJsonObject { { k("default"), 1 }, { k("example"), 2 } } },
                    { k("b"), QJsonObject { { k("example"), QStringLiteral("bee") } } },
                    { k("c"), QJsonObject { { k("examples"), QJsonArray { true, false } } } },
                    { k("n"),
                        QJsonObject {
                            { k("type"), QStringLiteral("integer") }, { k("minimum"), 5 } } },
                    { k("flag"), QJsonObject { { k("type"), QStringLiteral("boolean") } } },
                    { k("name"),
                        QJsonObject { { k("type"),
                            QJsonArray { QStringLiteral("null"), QStringLiteral("string") } } } },
                    { k("optional"), QJsonObject { { k("type"), QStringLiteral("string") } } } } }
        };
        const QJsonObject expected { { k("a"), 1 }, { k("b"), QStringLiteral("bee") },
            { k("c"), true }, { k("n"), 5 }, { k("flag"), false }, { k("name"), QString() } };
        QCOMPARE(BuildContract::exampleInput(schema), expected);
        QJsonObject withExample = schema;
        withExample.insert(k("example"), QJsonObject { { k("n"), 9 } });
        QCOMPARE(BuildContract::exampleInput(withExample), (QJsonObject { { k("n"), 9 } }));
        QCOMPARE(BuildContract::exampleInput(QJsonObject {}), QJsonObject {});
    }
};

QTEST_GUILESS_MAIN(TestBuildContract)
#include "tst_buildcontract.moc"
