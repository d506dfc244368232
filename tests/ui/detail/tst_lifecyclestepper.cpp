// The lifecycle stepper against an in-process sandbox: for every dialect, clicking the next
// legal state until the job succeeds moves the server's job and the shown state with it (illegal
// states are disabled with the sandbox's reason); failing with a chosen reason code; a refusal
// (409) shows the sandbox's reason in the status line; Peel's Ask for input.
#include "detail/lifecyclestepper.h"
#include "qa/lifecyclecontrol.h"
#include "sandboxsubmit.h"
#include "testhttp.h"

#include <QComboBox>
#include <QLineEdit>
#include <QPushButton>
#include <QSet>
#include <QTest>

using namespace TestSupport;
using Ui::LifecycleStepper;

namespace {
QLatin1String k(const char *s)
{
    return QLatin1String(s);
}

void shoot(QWidget *w, const char *name)
{
    const QString dir = qEnvironmentVariable("JOBSCOPE_SHOTS_DIR");
    if (!dir.isEmpty())
        w->grab().save(dir + QLatin1Char('/') + QLatin1String(name) + QStringLiteral(".png"));
}
} // namespace

class TestLifecycleStepper final : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<TestSandbox> m_sb;
    TestHttp m_http;
    QNetworkAccessManager m_nam;

    QString serverPhase(const QString &id)
    {
        return m_sb->job(m_http, id).value(k("phase")).toString();
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_sb = std::make_unique<TestSandbox>();
        m_http.setSandboxToken(m_sb->controlToken());
        QVERIFY2(m_sb->ok(), qPrintable(m_sb->error()));
    }
    void cleanupTestCase() { m_sb.reset(); }

    // Without a sandbox the stepper is inert.
    void inactive()
    {
        LifecycleStepper stepper(&m_nam);
        stepper.setJob(QStringLiteral("x"));
        QVERIFY(!stepper.isActive());
        QVERIFY(!stepper.button(QStringLiteral("fail"))->isEnabled());
        QVERIFY(!stepper.button(QStringLiteral("refresh"))->isEnabled());
    }

    // Click the next legal state until succeeded; each click moves the server and the label.
    void stepToSucceeded_data()
    {
        QTest::addColumn<QString>("dialect");
        for (const char *d : { "peelapi", "imagepipeline", "peel", "peako", "deapi" })
            QTest::newRow(d) << QString::fromLatin1(d);
    }
    void stepToSucceeded()
    {
        QFETCH(QString, dialect);
        const QString id = submitHeld(*m_sb, m_http, dialect);
        QVERIFY(!id.isEmpty());
        LifecycleStepper stepper(&m_nam);
        stepper.resize(760, 420);
        stepper.setSandbox(QUrl(m_sb->control()), m_sb->controlToken());
        stepper.setJob(id);
        QTRY_COMPARE(stepper.phase(), QStringLiteral("queued"));
        QVERIFY(stepper.stateText().startsWith(QStringLiteral("queued")));
        QVERIFY(stepper.stateText().contains(QStringLiteral("held in queued")));
        if (dialect == u"peel") {
            stepper.show();
            QVERIFY(QTest::qWaitForWindowExposed(&stepper));
            shoot(&stepper, "detail-lifecycle");
        }

        QSet<QString> visited { QStringLiteral("queued") };
        for (int guard = 0; guard < 8 && stepper.phase() != u"succeeded"; ++guard) {
            QPushButton *next = nullptr;
            QPushButton *fallback = nullptr;
            for (const QString &phase : Qa::LifecycleControl::phases(dialect)) {
                QPushButton *b = stepper.advanceButton(phase);
                if (!b)
                    continue;
                QVERIFY2(b->isEnabled() || !b->toolTip().isEmpty(),
                    qPrintable(phase)); // disabled ones say why
                if (!b->isEnabled())
                    continue;
                if (!next && !visited.contains(phase))
                    next = b;
                if (!fallback)
                    fallback = b;
            }
            if (!next)
                next = fallback;
            QVERIFY(next);
            const QString target = next->objectName().section(QLatin1Char(':'), 1);
            visited.insert(target);
            QTest::mouseClick(next, Qt::LeftButton);
            QTRY_COMPARE_WITH_TIMEOUT(stepper.phase(), target, 10000);
            QVERIFY2(stepper.stateText().startsWith(target), qPrintable(stepper.stateText()));
            QCOMPARE(stepper.record().value(k("status")).toString(),
                Qa::LifecycleControl::rawWord(dialect, target));
            QCOMPARE(serverPhase(id), target);
            QVERIFY2(stepper.statusText().contains(QStringLiteral("done")),
                qPrintable(stepper.statusText()));
            if (target != u"succeeded")
                QVERIFY(stepper.stateText().contains(
                    QStringLiteral("held in ") + target)); // "Hold in each new state"
        }
        QCOMPARE(stepper.phase(), QStringLiteral("succeeded"));
        for (const QString &phase : Qa::LifecycleControl::phases(dialect)) {
            if (QPushButton *b = stepper.advanceButton(phase))
                QVERIFY(!b->isEnabled());
        }
        QVERIFY(!stepper.button(QStringLiteral("fail"))->isEnabled());
        QVERIFY(stepper.button(QStringLiteral("expire"))->isEnabled());
        stepper.button(QStringLiteral("expire"))->click();
        QTRY_VERIFY(stepper.statusText().startsWith(QStringLiteral("expire: done")));
        QVERIFY(m_sb->job(m_http, id).value(k("urls_revoked_before_ms")).toDouble() > 0);
    }

    // Fail with the code chosen in the combo (filled from the sandbox's list for the dialect).
    void failWithChosenCode()
    {
        const QString id = submitHeld(*m_sb, m_http, QStringLiteral("imagepipeline"));
        LifecycleStepper stepper(&m_nam);
        stepper.setSandbox(QUrl(m_sb->control()), m_sb->controlToken());
        stepper.setJob(id);
        QTRY_VERIFY(stepper.failureCodes()->count() > 1);
        QTRY_VERIFY(stepper.button(QStringLiteral("fail"))->isEnabled());
        const QString code = stepper.failureCodes()->itemText(stepper.failureCodes()->count() - 1);
        stepper.failureCodes()->setCurrentIndex(stepper.failureCodes()->count() - 1);
        stepper.failureMessage()->setText(QStringLiteral("chosen by QA"));
        QTest::mouseClick(stepper.button(QStringLiteral("fail")), Qt::LeftButton);
        QTRY_COMPARE(stepper.phase(), QStringLiteral("failed"));
        QVERIFY(stepper.stateText().contains(code));
        const QJsonObject rec = m_sb->job(m_http, id);
        QCOMPARE(rec.value(k("failure_reason_code")).toString(), code);
        QCOMPARE(rec.value(k("error")).toString(), QStringLiteral("chosen by QA"));
        QVERIFY(!stepper.button(QStringLiteral("fail"))->isEnabled());
        QVERIFY(!stepper.button(QStringLiteral("cancel"))->isEnabled());
    }

    // A stale view: the job failed behind the stepper's back; clicking an advance shows the 409
    // reason, then the stepper re-reads the job and disables what is no longer legal.
    void refusalIsShown()
    {
        const QString id = submitHeld(*m_sb, m_http, QStringLiteral("peelapi"));
        LifecycleStepper stepper(&m_nam);
        stepper.setSandbox(QUrl(m_sb->control()), m_sb->controlToken());
        stepper.setJob(id);
        QTRY_COMPARE(stepper.phase(), QStringLiteral("queued"));
        QVERIFY(!stepper.button(QStringLiteral("cancel"))->isVisible()
            || stepper.button(QStringLiteral("cancel"))->isHidden());
        QCOMPARE(m_sb->act(m_http, id, QStringLiteral("fail")).value(k("ok")).toBool(), true);
        QPushButton *succeed = stepper.advanceButton(QStringLiteral("succeeded"));
        QVERIFY(succeed && succeed->isEnabled());
        QTest::mouseClick(succeed, Qt::LeftButton);
        QTRY_VERIFY(stepper.statusText().contains(QStringLiteral("409")));
        QVERIFY2(stepper.statusText().contains(QStringLiteral("the job is already failed")),
            qPrintable(stepper.statusText()));
        QTRY_COMPARE(stepper.phase(), QStringLiteral("failed"));
        QVERIFY(!stepper.advanceButton(QStringLiteral("succeeded"))->isEnabled());
        QCOMPARE(stepper.advanceButton(QStringLiteral("succeeded"))->toolTip(),
            QStringLiteral("the job is already failed"));
    }

    // Peel: Ask for input is enabled only while running and pauses the build with the text.
    void askForInput()
    {
        const QString id = submitHeld(*m_sb, m_http, QStringLiteral("peel"));
        LifecycleStepper stepper(&m_nam);
        stepper.setSandbox(QUrl(m_sb->control()), m_sb->controlToken());
        stepper.setJob(id);
        QTRY_COMPARE(stepper.phase(), QStringLiteral("queued"));
        QVERIFY(!stepper.button(QStringLiteral("ask-input"))->isEnabled());
        QTest::mouseClick(stepper.advanceButton(QStringLiteral("running")), Qt::LeftButton);
        QTRY_COMPARE(stepper.phase(), QStringLiteral("running"));
        QTRY_VERIFY(stepper.button(QStringLiteral("ask-input"))->isEnabled());
        stepper.inputPrompt()->setText(QStringLiteral("Which region?"));
        QTest::mouseClick(stepper.button(QStringLiteral("ask-input")), Qt::LeftButton);
        QTRY_COMPARE(stepper.phase(), QStringLiteral("needs_input"));
        QCOMPARE(m_sb->job(m_http, id)
                     .value(k("user_input_prompt"))
                     .toObject()
                     .value(k("message"))
                     .toString(),
            QStringLiteral("Which region?"));
        QVERIFY(!stepper.advanceButton(QStringLiteral("succeeded"))->isEnabled());
        QVERIFY(stepper.advanceButton(QStringLiteral("running"))->isEnabled());
    }
};

QTEST_MAIN(TestLifecycleStepper)
#include "tst_lifecyclestepper.moc"
