#include "joblist/cancelconfirmation.h"
#include "joblistfixtures.h"

#include <QApplication>
#include <QMessageBox>
#include <QPushButton>
#include <QTimer>
#include <QtTest>

using namespace JobListFixtures;
using Core::Dialect;
using Core::JobState;
using Ui::CancelConfirmation;

namespace {

bool isSandbox(const QString &profile)
{
    return profile.startsWith(QLatin1String("sandbox"));
}

void fill(Tracker::JobTracker &tracker)
{
    tracker.restore(makeJob(QStringLiteral("pk-q"), Dialect::Peako, JobState::Queued,
        QStringLiteral("queued"), QStringLiteral("real-peako")));
    tracker.restore(makeJob(QStringLiteral("pk-a"), Dialect::Peako, JobState::Running,
        QStringLiteral("active"), QStringLiteral("real-peako")));
    tracker.restore(makeJob(QStringLiteral("pa-r"), Dialect::PeelApi, JobState::Running,
        QStringLiteral("processing"), QStringLiteral("sandbox-peelapi")));
    tracker.restore(makeJob(QStringLiteral("ip-s"), Dialect::ImagePipeline, JobState::Succeeded,
        QStringLiteral("completed"), QStringLiteral("sandbox-ip")));
    tracker.restore(makeJob(QStringLiteral("ip-r"), Dialect::ImagePipeline, JobState::Running,
        QStringLiteral("processing"), QStringLiteral("sandbox-ip")));
}

// Clicks a button of the next message box once it is shown (the box is modal: exec() blocks).
void clickWhenShown(
    std::function<QAbstractButton *(QMessageBox *)> pick, QString *seenText = nullptr)
{
    QTimer::singleShot(0, [pick, seenText] {
        auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget());
        QVERIFY(box);
        if (seenText)
            *seenText = box->text() + QLatin1Char('\n') + box->informativeText();
        pick(box)->click();
    });
}

} // namespace

class tst_CancelConfirmation : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void namesExactlyTheCancellableAndWhyNot();
    void askReturnsTheIdsOnlyWhenConfirmed();
    void nothingCancellableOnlyExplains();
    void longListsAreCut();
};

// The text lists exactly the cancellable jobs, then each other job with its CancelPolicy reason.
void tst_CancelConfirmation::namesExactlyTheCancellableAndWhyNot()
{
    Tracker::JobTracker tracker;
    fill(tracker);
    const QStringList ids { QStringLiteral("pk-q"), QStringLiteral("pk-a"), QStringLiteral("pa-r"),
        QStringLiteral("ip-s"), QStringLiteral("ip-r"), QStringLiteral("gone") };
    CancelConfirmation confirm(&tracker, ids, isSandbox);
    QCOMPARE(
        confirm.cancellable(), (QStringList { QStringLiteral("pk-q"), QStringLiteral("ip-r") }));
    QCOMPARE(confirm.routeOf(QStringLiteral("pk-q")), Core::CancelPolicy::Route::ServiceCall);
    QCOMPARE(confirm.routeOf(QStringLiteral("ip-r")), Core::CancelPolicy::Route::SandboxControl);
    QCOMPARE(confirm.routeOf(QStringLiteral("pa-r")), Core::CancelPolicy::Route::None);
    QCOMPARE(confirm.title(), QStringLiteral("Cancel 2 job(s)?"));

    const QString text = confirm.text();
    const qsizetype split = text.indexOf(QStringLiteral("cannot be cancelled"));
    QVERIFY(split > 0);
    const QString yes = text.left(split);
    const QString no = text.mid(split);
    QVERIFY(yes.contains(QStringLiteral("\u2022 pk-q")));
    QVERIFY(yes.contains(QStringLiteral("\u2022 ip-r")));
    QCOMPARE(yes.count(QStringLiteral("\u2022")), 2);
    QVERIFY(
        no.contains(QStringLiteral("pk-a: Peako cancels only queued jobs (this one is active)")));
    QVERIFY(no.contains(QStringLiteral("pa-r: PeelAPI has no cancel call")));
    QVERIFY(no.contains(QStringLiteral("ip-s: already succeeded")));
    QVERIFY(no.contains(QStringLiteral("gone: not in the list any more")));
    QCOMPARE(no.count(QStringLiteral("\u2022")), 4);

    // Without the sandbox, ImagePipeline has no way to cancel.
    CancelConfirmation real(&tracker, { QStringLiteral("ip-r") });
    QVERIFY(real.cancellable().isEmpty());
    QVERIFY(real.text().contains(QStringLiteral("ip-r: ImagePipeline has no cancel call")));
}

// ask() shows a modal box: the destructive button returns the cancellable ids, the other none.
void tst_CancelConfirmation::askReturnsTheIdsOnlyWhenConfirmed()
{
    Tracker::JobTracker tracker;
    fill(tracker);
    CancelConfirmation confirm(
        &tracker, { QStringLiteral("pk-q"), QStringLiteral("pa-r") }, isSandbox);
    QString shown;
    clickWhenShown(
        [](QMessageBox *box) -> QAbstractButton * {
            for (QAbstractButton *b : box->buttons()) {
                if (box->buttonRole(b) == QMessageBox::DestructiveRole)
                    return b;
            }
            return nullptr;
        },
        &shown);
    QCOMPARE(confirm.ask(nullptr), QStringList { QStringLiteral("pk-q") });
    QVERIFY(shown.contains(QStringLiteral("pa-r: PeelAPI has no cancel call")));

    clickWhenShown([](QMessageBox *box) { return box->escapeButton(); });
    QVERIFY(confirm.ask(nullptr).isEmpty());
}

// With nothing cancellable the box has one OK button and ask() returns no ids.
void tst_CancelConfirmation::nothingCancellableOnlyExplains()
{
    Tracker::JobTracker tracker;
    fill(tracker);
    CancelConfirmation confirm(&tracker, { QStringLiteral("ip-s") }, isSandbox);
    QCOMPARE(confirm.title(), QStringLiteral("Nothing to cancel"));
    int buttons = 0;
    QTimer::singleShot(0, [&buttons] {
        auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget());
        QVERIFY(box);
        buttons = int(box->buttons().size());
        box->button(QMessageBox::Ok)->click();
    });
    QVERIFY(confirm.ask(nullptr).isEmpty());
    QCOMPARE(buttons, 1);
}

// More than 20 jobs on one side: the first 20 are named, then "… and N more".
void tst_CancelConfirmation::longListsAreCut()
{
    Tracker::JobTracker tracker;
    QStringList ids;
    for (int i = 0; i < 25; ++i) {
        ids << QStringLiteral("q%1").arg(i);
        tracker.restore(makeJob(ids.last(), Dialect::Peako, JobState::Queued));
    }
    CancelConfirmation confirm(&tracker, ids);
    QCOMPARE(confirm.cancellable().size(), 25);
    const QString text = confirm.text();
    QCOMPARE(text.count(QStringLiteral("\u2022")), CancelConfirmation::MaxNamed);
    QVERIFY(text.contains(QStringLiteral("and 5 more")));
}

QTEST_MAIN(tst_CancelConfirmation)
#include "tst_cancelconfirmation.moc"
