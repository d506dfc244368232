// Tests of Catalog::TaskPresets: named inputs per (dialect, task) in a JSON file, never a key.
#include "catalog/taskpresets.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

using Catalog::TaskPresets;

class TestTaskPresets final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // Presets survive a new instance on the same file, are kept apart per dialect and task,
    // come back sorted, and can be replaced and deleted.
    void saveLoadDelete()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("sub/presets.json"));
        const QString deapi = QStringLiteral("deapi");
        const QString txt2img = QStringLiteral("api/v1/client/txt2img");
        const QJsonObject fox { { QLatin1String("prompt"), QStringLiteral("a fox") },
            { QLatin1String("width"), 512 } };
        {
            TaskPresets presets(path);
            QVERIFY(presets.names(deapi, txt2img).isEmpty());
            QVERIFY(presets.save(deapi, txt2img, QStringLiteral("Fox"), fox));
            QVERIFY(presets.save(deapi, txt2img, QStringLiteral("  bear "),
                QJsonObject { { QLatin1String("prompt"), QStringLiteral("a bear") } }));
            QVERIFY(presets.save(QStringLiteral("peako"), QStringLiteral("api/render"),
                QStringLiteral("Fox"), QJsonObject {}));
            QVERIFY(!presets.save(deapi, txt2img, QStringLiteral("   "), fox));
            QVERIFY(!presets.lastError().isEmpty());
        }
        TaskPresets reread(path);
        QVERIFY2(reread.lastError().isEmpty(), qPrintable(reread.lastError()));
        QCOMPARE(reread.names(deapi, txt2img),
            (QStringList { QStringLiteral("bear"), QStringLiteral("Fox") }));
        QCOMPARE(reread.input(deapi, txt2img, QStringLiteral("Fox")).value(), fox);
        QVERIFY(
            !reread.input(deapi, QStringLiteral("api/v1/client/img2img"), QStringLiteral("Fox")));
        QCOMPARE(reread.names(QStringLiteral("peako"), QStringLiteral("api/render")),
            QStringList { QStringLiteral("Fox") });

        QJsonObject wider = fox;
        wider.insert(QLatin1String("width"), 2048);
        QVERIFY(reread.save(deapi, txt2img, QStringLiteral("Fox"), wider));
        QCOMPARE(reread.input(deapi, txt2img, QStringLiteral("Fox"))
                     ->value(QLatin1String("width"))
                     .toInt(),
            2048);
        QVERIFY(reread.remove(deapi, txt2img, QStringLiteral("Fox")));
        QVERIFY(!reread.remove(deapi, txt2img, QStringLiteral("Fox")));
        QCOMPARE(TaskPresets(path).names(deapi, txt2img), QStringList { QStringLiteral("bear") });
    }

    // A credential typed into an input never reaches the file, at any depth.
    void neverStoresKeys()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("presets.json"));
        const QString secret = QStringLiteral("sk-live-0123456789abcdef");
        const QJsonObject input { { QLatin1String("prompt"), QStringLiteral("x") },
            { QLatin1String("api_key"), secret },
            { QLatin1String("props"),
                QJsonObject { { QLatin1String("Token"), secret }, { QLatin1String("n"), 1 } } },
            { QLatin1String("list"),
                QJsonArray { QJsonObject { { QLatin1String("secret"), secret } } } } };
        TaskPresets presets(path);
        QVERIFY(presets.save(
            QStringLiteral("peako"), QStringLiteral("api/render"), QStringLiteral("p"), input));
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray bytes = file.readAll();
        QVERIFY(!bytes.contains(secret.toUtf8()));
        QVERIFY(bytes.contains("\"prompt\""));
        const QJsonObject stored
            = presets
                  .input(QStringLiteral("peako"), QStringLiteral("api/render"), QStringLiteral("p"))
                  .value();
        QCOMPARE(stored.value(QLatin1String("props")).toObject(),
            (QJsonObject { { QLatin1String("n"), 1 } }));
        QVERIFY(!stored.contains(QLatin1String("api_key")));
    }

    // An invalid file gives no presets and an error, and is not overwritten by reading it.
    void invalidFileIsReported()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("presets.json"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("{ not json");
        file.close();
        TaskPresets presets(path);
        QVERIFY(!presets.lastError().isEmpty());
        QVERIFY(presets.names(QStringLiteral("deapi"), QStringLiteral("x")).isEmpty());
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll(), QByteArray("{ not json"));
    }
};

QTEST_GUILESS_MAIN(TestTaskPresets)
#include "tst_taskpresets.moc"
