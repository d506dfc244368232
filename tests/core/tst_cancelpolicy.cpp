// Core::CancelPolicy (app/core): which raw states of each dialect can be cancelled.
#include "core/cancelpolicy.h"

#include <QtTest>

using Core::CancelPolicy;
using Core::Dialect;
using Core::JobState;

class tst_CancelPolicy : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void table_data();
    void table();
    void terminalNamesItsState();
};

void tst_CancelPolicy::table_data()
{
    QTest::addColumn<int>("dialect");
    QTest::addColumn<int>("state"); // -1: not known
    QTest::addColumn<QString>("raw");
    QTest::addColumn<bool>("sandbox");
    QTest::addColumn<bool>("can");
    QTest::addColumn<int>("route");
    QTest::addColumn<QString>("reason");

    const int none = int(CancelPolicy::Route::None);
    const int call = int(CancelPolicy::Route::ServiceCall);
    const int control = int(CancelPolicy::Route::SandboxControl);
    auto row = [](const char *name) -> QTestData & {
        return QTest::newRow(name);
    };

    // Peako: DELETE only while queued.
    row("peako queued") << int(Dialect::Peako) << int(JobState::Queued) << "queued" << false << true
                        << call << "";
    row("peako queued sandbox") << int(Dialect::Peako) << int(JobState::Queued) << "queued" << true
                                << true << call << "";
    row("peako active") << int(Dialect::Peako) << int(JobState::Running) << "active" << false
                        << false << none << "Peako cancels only queued jobs (this one is active)";
    row("peako active sandbox") << int(Dialect::Peako) << int(JobState::Running) << "active" << true
                                << true << control << "";
    row("peako done") << int(Dialect::Peako) << int(JobState::Succeeded) << "done" << true << false
                      << none << "already succeeded";
    row("peako raw queued, no state")
        << int(Dialect::Peako) << -1 << "queued" << false << true << call << "";
    row("peako nothing known") << int(Dialect::Peako) << -1 << "" << false << false << none
                               << "its state is not known yet";
    // ImagePipeline: the state exists but only the sandbox's control API reaches it.
    row("imagepipeline pending") << int(Dialect::ImagePipeline) << int(JobState::Queued)
                                 << "pending" << false << false << none
                                 << "ImagePipeline has no cancel call";
    row("imagepipeline pending sandbox") << int(Dialect::ImagePipeline) << int(JobState::Queued)
                                         << "pending" << true << true << control << "";
    row("imagepipeline processing sandbox") << int(Dialect::ImagePipeline) << int(JobState::Running)
                                            << "processing" << true << true << control << "";
    row("imagepipeline failed sandbox") << int(Dialect::ImagePipeline) << int(JobState::Failed)
                                        << "failed" << true << false << none << "already failed";
    row("imagepipeline cancelled") << int(Dialect::ImagePipeline) << int(JobState::Cancelled)
                                   << "cancelled" << true << false << none << "already cancelled";
    // No cancel call and no cancelled state: the sandbox flag changes nothing.
    row("peelapi processing") << int(Dialect::PeelApi) << int(JobState::Running) << "processing"
                              << false << false << none << "PeelAPI has no cancel call";
    row("peelapi processing sandbox")
        << int(Dialect::PeelApi) << int(JobState::Running) << "processing" << true << false << none
        << "PeelAPI has no cancel call";
    row("peel needs_input sandbox")
        << int(Dialect::Peel) << int(JobState::NeedsInput) << "needs_input" << true << false << none
        << "Peel has no cancel call";
    row("deapi pending") << int(Dialect::DeApi) << int(JobState::Queued) << "pending" << false
                         << false << none << "deAPI has no cancel call";
    row("deapi done") << int(Dialect::DeApi) << int(JobState::Succeeded) << "done" << false << false
                      << none << "already succeeded";
}

// Every dialect × state × sandbox combination gives the documented verdict, route and reason.
void tst_CancelPolicy::table()
{
    QFETCH(int, dialect);
    QFETCH(int, state);
    QFETCH(QString, raw);
    QFETCH(bool, sandbox);
    QFETCH(bool, can);
    QFETCH(int, route);
    QFETCH(QString, reason);
    const std::optional<JobState> s
        = state < 0 ? std::nullopt : std::optional<JobState>(JobState(state));
    const CancelPolicy::Verdict v = CancelPolicy::check(Dialect(dialect), s, raw, sandbox);
    QCOMPARE(v.can, can);
    QCOMPARE(int(v.route), route);
    QCOMPARE(v.reason, reason);
}

// A terminal job is refused in every dialect, whatever the sandbox flag.
void tst_CancelPolicy::terminalNamesItsState()
{
    for (int d = 0; d < 5; ++d) {
        for (JobState s : { JobState::Succeeded, JobState::Failed, JobState::Cancelled }) {
            for (bool sandbox : { false, true }) {
                const auto v = CancelPolicy::check(Dialect(d), s, QString(), sandbox);
                QVERIFY(!v.can);
                QCOMPARE(v.reason, QStringLiteral("already ") + Core::stateName(s));
            }
        }
    }
}

QTEST_GUILESS_MAIN(tst_CancelPolicy)
#include "tst_cancelpolicy.moc"
