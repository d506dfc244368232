// Proves that "test this key" tells a right key from a wrong one on every dialect of the sandbox,
// says "could not tell" when nobody answers, and never sends a key over plain http to another host.
#include "secrets/keytester.h"
#include "testhttp.h"

#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

using Secrets::KeyTester;
using Secrets::KeyTestResult;

class TstKeyTester : public QObject
{
    Q_OBJECT

    Secrets::KeyTestResult runTest(const Core::Profile &profile)
    {
        auto *tester = new KeyTester(&m_nam, profile);
        tester->setAutoDelete(false);
        QSignalSpy done(tester, &Core::Operation::result);
        tester->start();
        if (!QTest::qWaitFor([&] { return done.count() == 1; }, 20000)) {
            delete tester;
            return { KeyTestResult::Verdict::Unknown, -1, QStringLiteral("the test did not end") };
        }
        const KeyTestResult r = tester->outcome();
        delete tester;
        return r;
    }

    Core::Profile profileFor(const char *dialect, const QByteArray &key) const
    {
        Core::Profile p
            = Core::Profile::defaultsFor(*Core::dialectFromName(QString::fromLatin1(dialect)));
        p.name = QStringLiteral("test-") + QLatin1String(dialect);
        p.baseUrl = QUrl(m_sandbox->base(dialect));
        p.apiKey = QString::fromUtf8(key);
        return p;
    }

    std::unique_ptr<TestSupport::TestSandbox> m_sandbox;
    QNetworkAccessManager m_nam;

private Q_SLOTS:
    void initTestCase()
    {
        m_sandbox = std::make_unique<TestSupport::TestSandbox>();
        QVERIFY2(m_sandbox->ok(), qPrintable(m_sandbox->error()));
    }

    void verdicts_data()
    {
        QTest::addColumn<QString>("dialect");
        for (const QString &d : Core::dialectNames())
            QTest::newRow(qPrintable(d)) << d;
    }
    // The sandbox's key is accepted (a not-found answer), a wrong key refused (401/403), on all
    // five.
    void verdicts()
    {
        QFETCH(QString, dialect);
        const QByteArray name = dialect.toLatin1();
        const QByteArray rightKey = m_sandbox->key(name.constData());
        QVERIFY(!rightKey.isEmpty());

        KeyTestResult r = runTest(profileFor(name.constData(), rightKey));
        QVERIFY2(r.verdict == KeyTestResult::Verdict::Accepted, qPrintable(r.message));
        QCOMPARE(r.httpStatus, 404);
        QVERIFY(!r.message.contains(QString::fromUtf8(rightKey)));

        const QByteArray wrongKey = "wrong-" + rightKey;
        r = runTest(profileFor(name.constData(), wrongKey));
        QVERIFY2(r.verdict == KeyTestResult::Verdict::Refused, qPrintable(r.message));
        QVERIFY(r.httpStatus == 401 || r.httpStatus == 403);
        QVERIFY(r.message.contains(QLatin1String("refused")));
        QVERIFY(!r.message.contains(QString::fromUtf8(wrongKey)));
    }

    // No answer (a closed port) is "could not tell", with the reason; the operation fails.
    void noAnswerIsUnknown()
    {
        Core::Profile p = profileFor("peako", "some-key-1234");
        QTcpServer closed;
        QVERIFY(closed.listen(QHostAddress::LocalHost));
        const quint16 port = closed.serverPort();
        closed.close();
        p.baseUrl = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port));
        const KeyTestResult r = runTest(p);
        QCOMPARE(r.verdict, KeyTestResult::Verdict::Unknown);
        QCOMPARE(r.httpStatus, 0);
        QVERIFY2(r.message.startsWith(QLatin1String("Could not tell")), qPrintable(r.message));
    }

    // A server error (503 from a stub on loopback) says nothing about the key.
    void serverErrorIsUnknown()
    {
        QTcpServer stub;
        QVERIFY(stub.listen(QHostAddress::LocalHost));
        connect(&stub, &QTcpServer::newConnection, &stub, [&stub] {
            QTcpSocket *socket = stub.nextPendingConnection();
            connect(socket, &QTcpSocket::readyRead, socket, [socket] {
                socket->readAll();
                socket->write("HTTP/1.1 503 Service Unavailable\r\nContent-Type: "
                              "application/json\r\nContent-Length: 21\r\n"
                              "Connection: close\r\n\r\n{\"error\": \"overload\"}");
                socket->disconnectFromHost();
            });
        });
        Core::Profile p = profileFor("peako", "stub-key-2468");
        p.baseUrl = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(stub.serverPort()));
        const KeyTestResult r = runTest(p);
        QCOMPARE(r.verdict, KeyTestResult::Verdict::Unknown);
        QCOMPARE(r.httpStatus, 503);
        QVERIFY2(r.message.contains(QLatin1String("503")), qPrintable(r.message));
    }

    // Plain http to a host other than this machine: refused without a request unless allowed.
    void plainHttpToRemoteHostIsNotSent()
    {
        Core::Profile p = profileFor("peelapi", "remote-key-5678");
        p.baseUrl = QUrl(QStringLiteral("http://jobscope-key-test.invalid/v1"));
        const KeyTestResult r = runTest(p);
        QCOMPARE(r.verdict, KeyTestResult::Verdict::Unknown);
        QCOMPARE(r.httpStatus, 0);
        QVERIFY2(r.message.contains(QLatin1String("plain http")), qPrintable(r.message));
    }

    // No key: nothing to test.
    void emptyKeyIsUnknown()
    {
        const KeyTestResult r = runTest(profileFor("deapi", QByteArray()));
        QCOMPARE(r.verdict, KeyTestResult::Verdict::Unknown);
        QVERIFY(r.message.contains(QLatin1String("no key")));
    }
};

QTEST_GUILESS_MAIN(TstKeyTester)
#include "tst_keytester.moc"
