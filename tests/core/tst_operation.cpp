// The one async contract (Core::Operation): start() only schedules, result() is emitted exactly
// once and never inside start(), kill() reports kind Cancelled, the result carries a JobError
// (failed() is its isError()), and the operation deletes itself unless told not to.
#include "core/operation.h"

#include <QPointer>
#include <QSignalSpy>
#include <QTest>
#include <QTimer>

namespace {

// Finishes after `delayMs` with `error` (or never, with delayMs < 0).
class TimedOperation final : public Core::Operation
{
public:
    TimedOperation(int delayMs, Core::JobError error)
        : m_delayMs(delayMs)
        , m_error(std::move(error))
    { }
    int starts = 0;
    int kills = 0;

protected:
    void doStart() override
    {
        ++starts;
        if (m_delayMs >= 0)
            QTimer::singleShot(m_delayMs, this, [this] {
                emitResult(m_error);
                emitResult(QStringLiteral("a second result is ignored"));
            });
    }
    void doKill() override { ++kills; }

private:
    int m_delayMs;
    Core::JobError m_error;
};

Core::JobError conflict()
{
    Core::JobError e;
    e.kind = Core::JobError::Kind::Conflict;
    e.httpStatus = 409;
    e.message = QStringLiteral("the job is running");
    return e;
}

} // namespace

class TestOperation final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void reportsOnceLaterAndDeletesItself()
    {
        QPointer<TimedOperation> op = new TimedOperation(5, {});
        QSignalSpy spy(op.data(), &Core::Operation::result);
        op->start();
        op->start(); // a second start changes nothing
        QCOMPARE(spy.count(), 0);
        QCOMPARE(op->starts, 0); // not even begun inside start()
        QVERIFY(spy.wait(2000));
        QCOMPARE(spy.count(), 1);
        QVERIFY(op);
        QVERIFY(op->isFinished());
        QVERIFY(!op->failed());
        QCOMPARE(op->starts, 1);
        QTRY_VERIFY(op.isNull());
    }

    void errorIsAValue()
    {
        auto *op = new TimedOperation(0, conflict());
        op->setAutoDelete(false);
        QSignalSpy spy(op, &Core::Operation::result);
        op->start();
        QVERIFY(spy.wait(2000));
        QTest::qWait(20);
        QCOMPARE(spy.count(), 1);
        QVERIFY(op->failed());
        QCOMPARE(op->error().kind, Core::JobError::Kind::Conflict);
        QCOMPARE(op->error().httpStatus, 409);
        QCOMPARE(op->errorString(), QStringLiteral("the job is running"));
        delete op; // not auto-deleted: still ours
    }

    void killReportsCancelledOnce()
    {
        QPointer<TimedOperation> op = new TimedOperation(-1, {});
        QSignalSpy spy(op.data(), &Core::Operation::result);
        op->start();
        op->kill();
        QCOMPARE(spy.count(), 1);
        QVERIFY(op->failed());
        QCOMPARE(op->error().kind, Core::JobError::Kind::Cancelled);
        QCOMPARE(op->kills, 1);
        op->kill(); // a finished operation is not killed again
        QCOMPARE(op->kills, 1);
        QTest::qWait(20);
        QCOMPARE(spy.count(), 1);
        QCOMPARE(
            Core::JobError::kindName(Core::JobError::Kind::Cancelled), QStringLiteral("cancelled"));
        QTRY_VERIFY(op.isNull());
    }

    void killedBeforeItBeganNeverStarts()
    {
        QPointer<TimedOperation> op = new TimedOperation(0, {});
        op->setAutoDelete(false);
        op->start();
        op->kill();
        QTest::qWait(20);
        QCOMPARE(op->starts, 0);
        delete op;
    }

    void kindsRoundTrip()
    {
        for (int k = int(Core::JobError::Kind::None); k <= int(Core::JobError::Kind::Cancelled);
             ++k) {
            Core::JobError e;
            e.kind = Core::JobError::Kind(k);
            QCOMPARE(Core::JobError::fromJson(e.toJson()).kind, e.kind);
        }
    }
};

QTEST_GUILESS_MAIN(TestOperation)
#include "tst_operation.moc"
