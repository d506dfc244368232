#include "downloads/filenames.h"

#include <QDir>
#include <QFile>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

// FileNames::segment is the one function that turns a name from a server (a job id, a profile
// name) into a path segment; isWithin is the check every written path passes.
class TestFileNames : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // Hostile ids never leave the folder: no separator, never "." or "..", nothing invisible.
    void segmentIsOneSafeSegment_data()
    {
        QTest::addColumn<QString>("name");
        QTest::newRow("parent traversal") << QStringLiteral("../../home/user/.config/autostart");
        QTest::newRow("absolute") << QStringLiteral("/etc/cron.d/x");
        QTest::newRow("dotdot") << QStringLiteral("..");
        QTest::newRow("dot") << QStringLiteral(".");
        QTest::newRow("backslash") << QStringLiteral("..\\..\\windows");
        QTest::newRow("bidi override") << QStringLiteral("job\u202Egnp.exe");
        QTest::newRow("zero width") << QStringLiteral("a\u200Bb");
        QTest::newRow("control") << QStringLiteral("a\x1b]0;pwned\x07"
                                                   "b\nc");
        QTest::newRow("nul") << QString(QStringLiteral("a")) + QChar(0) + QStringLiteral("b");
        QTest::newRow("long") << QString(5000, QLatin1Char('x'));
        QTest::newRow("empty") << QString();
        QTest::newRow("spaces") << QStringLiteral("   ");
        QTest::newRow("lone surrogate") << QString(QChar(0xD800)) + QStringLiteral("x");
    }
    void segmentIsOneSafeSegment()
    {
        QFETCH(QString, name);
        const QString s = Downloads::FileNames::segment(name);
        QVERIFY(!s.isEmpty());
        QVERIFY(s != QLatin1String(".") && s != QLatin1String(".."));
        QVERIFY(!s.contains(QLatin1Char('/')) && !s.contains(QLatin1Char('\\')));
        QVERIFY(s.size() <= 100);
        for (const QChar c : s) {
            QVERIFY2(c.category() != QChar::Other_Control && c.category() != QChar::Other_Format
                    && c.category() != QChar::Other_Surrogate,
                qPrintable(
                    QStringLiteral("U+%1 in %2").arg(c.unicode(), 4, 16, QLatin1Char('0')).arg(s)));
        }
        // And the folder it names really is a child of the root.
        QTemporaryDir root;
        const QString dir = QDir(root.path()).filePath(s);
        QVERIFY(QDir().mkpath(dir));
        QCOMPARE(QFileInfo(QFileInfo(dir).canonicalFilePath()).dir().canonicalPath(),
            QFileInfo(root.path()).canonicalFilePath());
    }

    // Ordinary ids stay as they are (folders keep their names from older versions).
    void ordinaryIdsUnchanged()
    {
        for (const char *id :
            { "pred_9f8e7d", "7c9e6679-7425-40de-944b-e07fc1f90ae7", "req_123", "api_01J5X" })
            QCOMPARE(
                Downloads::FileNames::segment(QString::fromLatin1(id)), QString::fromLatin1(id));
    }

    // Different names never share a folder, and the same name always maps to the same one.
    void collisionsMadeUnique()
    {
        const QStringList names { QStringLiteral("a/b"), QStringLiteral("a_b"),
            QStringLiteral("a\\b"), QStringLiteral("a:b"), QStringLiteral("../a_b"),
            QStringLiteral("a_b-") };
        QSet<QString> seen;
        for (const QString &n : names)
            seen.insert(Downloads::FileNames::segment(n));
        QCOMPARE(seen.size(), names.size());
        QCOMPARE(Downloads::FileNames::segment(QStringLiteral("a/b")),
            Downloads::FileNames::segment(QStringLiteral("a/b")));
        QCOMPARE(Downloads::FileNames::segment(QString(300, QLatin1Char('y'))).size(), 100);
        QVERIFY(Downloads::FileNames::segment(QString(300, QLatin1Char('y')))
            != Downloads::FileNames::segment(QString(301, QLatin1Char('y'))));
    }

    // isWithin: lexically and with symlinks resolved.
    void isWithin()
    {
        QTemporaryDir tmp;
        const QString root = QDir(tmp.path()).filePath(QStringLiteral("lib"));
        QVERIFY(QDir().mkpath(root));
        QVERIFY(Downloads::FileNames::isWithin(root, root));
        QVERIFY(Downloads::FileNames::isWithin(root, root + QStringLiteral("/job")));
        QVERIFY(Downloads::FileNames::isWithin(root, root + QStringLiteral("/not/yet/there")));
        QVERIFY(!Downloads::FileNames::isWithin(root, root + QStringLiteral("/../elsewhere")));
        QVERIFY(!Downloads::FileNames::isWithin(root, root + QStringLiteral("x")));
        QVERIFY(!Downloads::FileNames::isWithin(root, QStringLiteral("/etc")));
        const QString outside = QDir(tmp.path()).filePath(QStringLiteral("outside"));
        QVERIFY(QDir().mkpath(outside));
        QVERIFY(QFile::link(outside, root + QStringLiteral("/link")));
        QVERIFY(!Downloads::FileNames::isWithin(root, root + QStringLiteral("/link")));
    }
};

QTEST_GUILESS_MAIN(TestFileNames)
#include "tst_filenames.moc"
