// Qa::LifecycleControl against an in-process sandbox: every dialect's job is held, walked through
// every legal state to the end, failed with a reason code, asked for input (Peel), cancelled where
// the dialect can, its URLs expired and its streams dropped — the server record is checked after
// each step, and every refusal the client predicts is the sandbox's own 409.
#include "qa/lifecyclecontrol.h"
#include "sandbox/dialect.h"
#include "sandboxsubmit.h"
#include "testhttp.h"

#include <QPointer>
#include <QSet>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>
#include <optional>

using namespace TestSupport;
using Qa::ControlResult;
using Qa::LifecycleControl;

namespace {
QLatin1String k(const char *s)
{
    return QLatin1String(s);
}
} // namespace

class TestLifecycleControl final : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<TestSandbox> m_sb;
    TestHttp m_http;
    QNetworkAccessManager m_nam;
    std::unique_ptr<LifecycleControl> m_control;

    // Runs one control call and waits for its single answer.
    // Waits for one control operation's single answer (it fails exactly when the answer is not
    // a 2xx, and deletes itself afterwards).
    ControlResult sync(Qa::ControlOperation *op)
    {
        ControlResult out;
        int calls = 0;
        QPointer<Qa::ControlOperation> alive(op);
        QObject context;
        connect(op, &Core::Operation::result, &context, [&, op] {
            out = op->outcome();
            if (op->failed() == out.ok())
                qWarning() << "failed() disagrees with the answer" << out.httpStatus;
            ++calls;
        });
        if (!QTest::qWaitFor([&] { return calls > 0; }, 15000))
            qWarning() << "no answer from the control API";
        if (!QTest::qWaitFor([&] { return alive.isNull(); }, 1000))
            qWarning() << "the operation did not delete itself";
        return out;
    }
    QJsonObject record(const QString &id) { return sync(m_control->job(id)).body; }
    QString phase(const QString &id) { return record(id).value(k("phase")).toString(); }

    QString submit(const QString &dialect, const QJsonObject &extraSandbox = {})
    {
        return submitHeld(*m_sb, m_http, dialect, extraSandbox);
    }

    static void dialects()
    {
        QTest::addColumn<QString>("dialect");
        for (const QString &d : { QStringLiteral("peelapi"), QStringLiteral("imagepipeline"),
                 QStringLiteral("peel"), QStringLiteral("peako"), QStringLiteral("deapi") })
            QTest::newRow(qPrintable(d)) << d;
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_sb = std::make_unique<TestSandbox>();
        m_http.setSandboxToken(m_sb->controlToken());
        QVERIFY2(m_sb->ok(), qPrintable(m_sb->error()));
        m_control = std::make_unique<LifecycleControl>(&m_nam, QUrl(m_sb->control()));
        m_control->setToken(m_sb->controlToken());
    }
    void cleanupTestCase()
    {
        m_control.reset();
        m_sb.reset();
    }

    // The client's copy of the phase table is the sandbox's own, word for word.
    void phaseTableMatchesSandbox()
    {
        const Sandbox::Phase all[] = { Sandbox::Phase::Queued, Sandbox::Phase::Pending,
            Sandbox::Phase::Running, Sandbox::Phase::NeedsInput, Sandbox::Phase::Succeeded,
            Sandbox::Phase::Failed, Sandbox::Phase::Cancelled };
        for (Sandbox::Dialect d : { Sandbox::Dialect::PeelApi, Sandbox::Dialect::ImagePipeline,
                 Sandbox::Dialect::Peel, Sandbox::Dialect::Peako, Sandbox::Dialect::DeApi }) {
            QStringList expected;
            for (Sandbox::Phase p : all) {
                const QString name = Sandbox::DialectTable::phaseName(p);
                QCOMPARE(LifecycleControl::rawWord(Sandbox::DialectTable::name(d), name),
                    Sandbox::DialectTable::rawState(d, p));
                if (Sandbox::DialectTable::hasPhase(d, p))
                    expected.append(name);
            }
            QCOMPARE(LifecycleControl::phases(Sandbox::DialectTable::name(d)), expected);
        }
    }

    // Held in queued, then walked through every legal state to the terminal one; at each stage
    // every illegal target is refused by the sandbox with exactly the reason steps() predicted.
    void walkToTheEnd_data() { dialects(); }
    void walkToTheEnd()
    {
        QFETCH(QString, dialect);
        const QString id = submit(dialect);
        QVERIFY(!id.isEmpty());
        QJsonObject rec = record(id);
        QCOMPARE(rec.value(k("phase")).toString(), QStringLiteral("queued"));
        QCOMPARE(rec.value(k("control")).toObject().value(k("hold")).toString(),
            QStringLiteral("queued"));

        QSet<QString> visited { QStringLiteral("queued") };
        for (int guard = 0;
             guard < 10 && !LifecycleControl::isTerminalPhase(rec.value(k("phase")).toString());
             ++guard) {
            const QString from = rec.value(k("phase")).toString();
            QString target;
            for (const Qa::LifecycleStep &s : LifecycleControl::steps(rec)) {
                if (!s.legal) {
                    const ControlResult refused = sync(m_control->advance(id, s.phase));
                    QCOMPARE(refused.httpStatus, 409);
                    QCOMPARE(refused.reason, s.whyNot);
                    QCOMPARE(phase(id), from);
                    continue;
                }
                if (s.phase == u"failed" || s.phase == u"cancelled")
                    continue; // ends the walk early: covered by failWithReasonCode and cancel
                if (target.isEmpty() && !visited.contains(s.phase))
                    target = s.phase;
            }
            if (target.isEmpty()) // needs_input -> running again: the only way on
                target = LifecycleControl::legalNextStates(rec).value(0);
            QVERIFY2(!target.isEmpty(), qPrintable(from));
            visited.insert(target);

            const ControlResult r = sync(m_control->advance(id, target));
            QVERIFY2(
                r.ok(), qPrintable(QString::number(r.httpStatus) + QLatin1Char(' ') + r.reason));
            QCOMPARE(r.action, QStringLiteral("advance"));
            QCOMPARE(r.jobId, id);
            if (!LifecycleControl::isTerminalPhase(target)) {
                const ControlResult held = sync(m_control->hold(id, target));
                QVERIFY(held.ok());
            }
            QTRY_COMPARE_WITH_TIMEOUT(phase(id), target, 10000);
            rec = record(id);
            QCOMPARE(rec.value(k("status")).toString(), LifecycleControl::rawWord(dialect, target));
            if (!LifecycleControl::isTerminalPhase(target))
                QCOMPARE(rec.value(k("control")).toObject().value(k("hold")).toString(), target);
        }
        QCOMPARE(rec.value(k("phase")).toString(), QStringLiteral("succeeded"));
        QCOMPARE(rec.value(k("state")).toString(), QStringLiteral("succeeded"));
        QVERIFY(visited.contains(QStringLiteral("running")));
        if (dialect == u"imagepipeline")
            QVERIFY(visited.contains(QStringLiteral("pending")));
        if (dialect == u"peel")
            QVERIFY(visited.contains(QStringLiteral("needs_input")));
        QVERIFY(LifecycleControl::legalNextStates(rec).isEmpty());

        const ControlResult again = sync(m_control->advance(id, {}));
        QCOMPARE(again.httpStatus, 409);
        QCOMPARE(again.reason,
            QStringLiteral("the job is already %1")
                .arg(LifecycleControl::rawWord(dialect, QStringLiteral("succeeded"))));

        // Expire: every URL minted so far is revoked; the record says from when.
        const ControlResult expired = sync(m_control->expire(id));
        QVERIFY(expired.ok());
        QVERIFY(record(id).value(k("urls_revoked_before_ms")).toDouble() > 0);
        // Drop: answered with how many streams were cut (none are open here).
        const ControlResult dropped = sync(m_control->drop(id));
        QVERIFY(dropped.ok());
        QCOMPARE(dropped.body.value(k("sse_dropped")).toInt(-1), 0);
    }

    // Failing with a code from the dialect's own list: the record carries the code and message;
    // a second fail is refused.
    void failWithReasonCode_data() { dialects(); }
    void failWithReasonCode()
    {
        QFETCH(QString, dialect);
        QStringList codes;
        int answers = 0;
        Qa::ControlOperation *read = m_control->failures();
        connect(read, &Core::Operation::result, this, [&, read] {
            QVERIFY(!read->failed());
            codes = read->failureCodes(dialect);
            ++answers;
        });
        QTRY_COMPARE(answers, 1);
        QVERIFY(!codes.isEmpty());

        const QString id = submit(dialect);
        QVERIFY(!id.isEmpty());
        const ControlResult r
            = sync(m_control->fail(id, codes.last(), QStringLiteral("QA says no")));
        QVERIFY2(r.ok(), qPrintable(r.reason));
        const QJsonObject rec = record(id);
        QCOMPARE(rec.value(k("phase")).toString(), QStringLiteral("failed"));
        QCOMPARE(rec.value(k("status")).toString(),
            LifecycleControl::rawWord(dialect, QStringLiteral("failed")));
        QCOMPARE(rec.value(k("failure_reason_code")).toString(), codes.last());
        QCOMPARE(rec.value(k("error")).toString(), QStringLiteral("QA says no"));

        const ControlResult again = sync(m_control->fail(id, codes.first(), {}));
        QCOMPARE(again.httpStatus, 409);
        QVERIFY(again.reason.startsWith(QStringLiteral("the job is already")));
    }

    // Cancel works where the dialect has a cancelled state and is refused with the reason
    // elsewhere; release lets a held job carry on.
    void cancelAndRelease_data() { dialects(); }
    void cancelAndRelease()
    {
        QFETCH(QString, dialect);
        const QString id = submit(dialect);
        const bool canCancel
            = LifecycleControl::phases(dialect).contains(QStringLiteral("cancelled"));
        const ControlResult r = sync(m_control->cancel(id));
        if (canCancel) {
            QVERIFY(r.ok());
            QCOMPARE(phase(id), QStringLiteral("cancelled"));
            return;
        }
        QCOMPARE(r.httpStatus, 409);
        QCOMPARE(r.reason, QStringLiteral("%1 has no cancelled state").arg(dialect));
        QCOMPARE(phase(id), QStringLiteral("queued"));

        QVERIFY(sync(m_control->release(id)).ok());
        QVERIFY(!record(id).value(k("control")).toObject().contains(k("hold")));
        QTRY_VERIFY_WITH_TIMEOUT(phase(id) != u"queued", 10000);
    }

    // Peel: a running build asked for input pauses in needs_input with the prompt text; other
    // dialects refuse, and so does a queued build.
    void askInput()
    {
        const QString id = submit(QStringLiteral("peel"));
        ControlResult r = sync(m_control->askInput(id, QStringLiteral("Which region?")));
        QCOMPARE(r.httpStatus, 409);
        QCOMPARE(r.reason, QStringLiteral("only a running build can ask for input (it is queued)"));

        QVERIFY(sync(m_control->advance(id, QStringLiteral("running"))).ok());
        QVERIFY(sync(m_control->hold(id, {})).ok());
        QCOMPARE(record(id).value(k("control")).toObject().value(k("hold")).toString(),
            QStringLiteral("running"));
        r = sync(m_control->askInput(id, QStringLiteral("Which region?")));
        QVERIFY2(r.ok(), qPrintable(r.reason));
        const QJsonObject rec = record(id);
        QCOMPARE(rec.value(k("phase")).toString(), QStringLiteral("needs_input"));
        QCOMPARE(rec.value(k("user_input_prompt")).toObject().value(k("message")).toString(),
            QStringLiteral("Which region?"));
        QCOMPARE(LifecycleControl::legalNextStates(rec),
            (QStringList { QStringLiteral("running"), QStringLiteral("failed") }));

        const QString other = submit(QStringLiteral("peako"));
        r = sync(m_control->askInput(other, {}));
        QCOMPARE(r.httpStatus, 409);
        QCOMPARE(r.reason, QStringLiteral("peako has no needs_input state"));
    }

    // Unknown jobs answer 404 with the reason; an unreachable sandbox gives status 0 and a message,
    // and each operation reports once, failed, with the kind and the reason as its error.
    void errors()
    {
        Qa::ControlOperation *op = m_control->job(QStringLiteral("nope"));
        QSignalSpy spy(op, &Core::Operation::result);
        std::optional<Core::JobError> error;
        connect(op, &Core::Operation::result, this, [&, op] { error = op->error(); });
        ControlResult r = sync(op);
        QCOMPARE(r.httpStatus, 404);
        QCOMPARE(r.reason, QStringLiteral("no job nope"));
        QCOMPARE(spy.count(), 1);
        QVERIFY(error.has_value());
        QCOMPARE(error->kind, Core::JobError::Kind::NotFound);
        QCOMPARE(error->message, QStringLiteral("no job nope"));

        QTcpServer closed;
        QVERIFY(closed.listen(QHostAddress::LocalHost));
        const quint16 port = closed.serverPort();
        closed.close();
        LifecycleControl nowhere(
            &m_nam, QUrl(QStringLiteral("http://127.0.0.1:%1/_sandbox").arg(port)));
        Qa::ControlOperation *advance = nowhere.advance(QStringLiteral("x"), {});
        bool networkKind = false;
        connect(advance, &Core::Operation::result, this,
            [&, advance] { networkKind = advance->error().kind == Core::JobError::Kind::Network; });
        r = sync(advance);
        QVERIFY(networkKind);
        QCOMPARE(r.httpStatus, 0);
        QVERIFY(!r.reason.isEmpty());
        QVERIFY(!r.ok());
    }
};

QTEST_GUILESS_MAIN(TestLifecycleControl)
#include "tst_lifecyclecontrol.moc"
