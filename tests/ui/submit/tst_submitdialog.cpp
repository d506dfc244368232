// Tests of Ui::SubmitDialog: profile and task choice, form and raw JSON in step, presets,
// count and channel in the request, Ctrl+Return, Resubmit's preset().
#include "catalog/taskcatalog.h"
#include "catalog/taskpresets.h"
#include "submit/mediafield.h"
#include "submit/schemaform.h"
#include "submit/submitdialog.h"

#include <QComboBox>
#include <QJsonDocument>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>

using Follow::Via;
using Ui::SubmitDialog;
using Ui::SubmitRequest;

namespace {

Core::Profile profile(const QString &name, Core::Dialect d)
{
    Core::Profile p = Core::Profile::defaultsFor(d);
    p.name = name;
    return p;
}

QList<Core::Profile> profiles()
{
    return { profile(QStringLiteral("local peelapi"), Core::Dialect::PeelApi),
        profile(QStringLiteral("local imagepipeline"), Core::Dialect::ImagePipeline),
        profile(QStringLiteral("local peel"), Core::Dialect::Peel),
        profile(QStringLiteral("local peako"), Core::Dialect::Peako),
        profile(QStringLiteral("local deapi"), Core::Dialect::DeApi) };
}

void choose(QComboBox *combo, const QString &data)
{
    const int i = combo->findData(data);
    QVERIFY2(i >= 0, qPrintable(data));
    combo->setCurrentIndex(i);
}

// The raw JSON as the Raw JSON tab shows it.
QJsonObject rawObject(SubmitDialog &d)
{
    d.tabs()->setCurrentIndex(1);
    return QJsonDocument::fromJson(d.rawEditor()->toPlainText().toUtf8()).object();
}

QStringList viaNames(const QComboBox *combo)
{
    QStringList out;
    for (int i = 0; i < combo->count(); ++i) {
        switch (static_cast<Via>(combo->itemData(i).toInt())) {
        case Via::Auto:
            out.append(QStringLiteral("auto"));
            break;
        case Via::Sse:
            out.append(QStringLiteral("sse"));
            break;
        case Via::Pusher:
            out.append(QStringLiteral("pusher"));
            break;
        case Via::Poll:
            out.append(QStringLiteral("poll"));
            break;
        case Via::Webhook:
            out.append(QStringLiteral("webhook"));
            break;
        }
    }
    return out;
}

} // namespace

class TestSubmitDialog final : public QObject
{
    Q_OBJECT

private:
    Catalog::TaskCatalog m_catalog;
    QTemporaryDir m_dir;

    QString presetsPath() const { return m_dir.filePath(QStringLiteral("presets.json")); }

private Q_SLOTS:
    // Picking a profile lists its dialect's tasks by title and only its live channels; editing a
    // form field shows up in the raw JSON.
    void formEditsReachRawJson()
    {
        SubmitDialog d(m_catalog, nullptr);
        d.setProfiles(profiles());
        choose(d.profileCombo(), QStringLiteral("local deapi"));
        QCOMPARE(d.taskCombo()->count(), 3);
        QCOMPARE(d.taskCombo()->itemText(0), QStringLiteral("Text to image"));
        choose(d.taskCombo(), QStringLiteral("api/v1/client/txt2img"));
        QCOMPARE(viaNames(d.viaCombo()),
            (QStringList { QStringLiteral("auto"), QStringLiteral("pusher"), QStringLiteral("poll"),
                QStringLiteral("webhook") }));
        QVERIFY(!d.submitButton()->isEnabled());
        QVERIFY(d.blockedReason().contains(QLatin1String("prompt: is required")));

        QTest::keyClicks(d.form()->editor(QStringLiteral("prompt")), QStringLiteral("a red fox"));
        QCOMPARE(
            rawObject(d).value(QLatin1String("prompt")).toString(), QStringLiteral("a red fox"));
        QCOMPARE(rawObject(d).value(QLatin1String("width")).toInt(), 1024);
        qobject_cast<QSpinBox *>(d.form()->editor(QStringLiteral("steps")))->setValue(8);
        QCOMPARE(rawObject(d).value(QLatin1String("steps")).toInt(), 8);
        QVERIFY(d.submitButton()->isEnabled());
        QVERIFY(d.blockedReason().isEmpty());

        choose(d.profileCombo(), QStringLiteral("local peelapi"));
        QCOMPARE(viaNames(d.viaCombo()),
            (QStringList {
                QStringLiteral("auto"), QStringLiteral("sse"), QStringLiteral("poll") }));
        choose(d.profileCombo(), QStringLiteral("local imagepipeline"));
        QCOMPARE(viaNames(d.viaCombo()),
            (QStringList {
                QStringLiteral("auto"), QStringLiteral("poll"), QStringLiteral("webhook") }));
        choose(d.profileCombo(), QStringLiteral("local peako"));
        QCOMPARE(viaNames(d.viaCombo()),
            (QStringList { QStringLiteral("auto"), QStringLiteral("poll") }));
        // Back on deAPI's txt2img, the edits made there are still there.
        choose(d.profileCombo(), QStringLiteral("local deapi"));
        choose(d.taskCombo(), QStringLiteral("api/v1/client/txt2img"));
        QCOMPARE(d.request().input.value(QLatin1String("prompt")).toString(),
            QStringLiteral("a red fox"));
        QCOMPARE(d.request().input.value(QLatin1String("steps")).toInt(), 8);
    }

    // Raw JSON edits reach the form; invalid raw JSON is kept exactly as typed, blocks Submit
    // with the reason shown, locks the form and the task choice, and fixing it unblocks.
    void rawJsonReachesFormAndBadJsonIsKept()
    {
        SubmitDialog d(m_catalog, nullptr);
        d.setProfiles(profiles());
        choose(d.profileCombo(), QStringLiteral("local deapi"));
        choose(d.taskCombo(), QStringLiteral("api/v1/client/txt2img"));
        d.tabs()->setCurrentIndex(1);
        d.rawEditor()->setPlainText(
            QStringLiteral("{\"prompt\": \"from raw\", \"width\": 512, \"x_extra\": true}"));
        QCOMPARE(qobject_cast<QSpinBox *>(d.form()->editor(QStringLiteral("width")))->value(), 512);
        QCOMPARE(qobject_cast<QPlainTextEdit *>(d.form()->editor(QStringLiteral("prompt")))
                     ->toPlainText(),
            QStringLiteral("from raw"));
        QCOMPARE(d.request().input.value(QLatin1String("x_extra")).toBool(), true);
        QVERIFY(d.submitButton()->isEnabled());

        const QString bad = QStringLiteral("{\"prompt\": \"from raw\", \"width\": 51");
        d.rawEditor()->setPlainText(bad);
        QVERIFY(!d.submitButton()->isEnabled());
        QVERIFY(d.blockedReason().startsWith(QLatin1String("Raw JSON:")));
        QVERIFY(!d.form()->parentWidget()->isEnabled() || !d.form()->isEnabledTo(&d));
        QVERIFY(!d.taskCombo()->isEnabled());
        d.tabs()->setCurrentIndex(0);
        d.tabs()->setCurrentIndex(1);
        QCOMPARE(d.rawEditor()->toPlainText(), bad);
        QSignalSpy submitted(&d, &SubmitDialog::submitRequested);
        d.submit();
        QCOMPARE(submitted.size(), 0);

        d.rawEditor()->setPlainText(QStringLiteral("[1, 2]"));
        QVERIFY(d.blockedReason().contains(QLatin1String("JSON object")));
        d.rawEditor()->setPlainText(QStringLiteral("{\"prompt\": \"fixed\", \"width\": 5000}"));
        QVERIFY(!d.blockedReason().startsWith(QLatin1String("Raw JSON:")));
        QVERIFY(d.blockedReason().contains(QLatin1String("width: must be at most 2048")));
        QCOMPARE(
            d.form()->errorText(QStringLiteral("width")), QStringLiteral("must be at most 2048"));
        d.rawEditor()->setPlainText(QStringLiteral("{\"prompt\": \"fixed\"}"));
        QVERIFY(d.submitButton()->isEnabled());
        QVERIFY(d.taskCombo()->isEnabled());
    }

    // Presets are saved for the task, load back into the form, survive a new dialog on the same
    // file, and can be deleted.
    void presetsSaveLoadDelete()
    {
        QFile::remove(presetsPath());
        Catalog::TaskPresets presets(presetsPath());
        {
            SubmitDialog d(m_catalog, &presets);
            d.setProfiles(profiles());
            choose(d.profileCombo(), QStringLiteral("local peako"));
            choose(d.taskCombo(), QStringLiteral("api/render"));
            d.form()->setValue(
                QJsonObject { { QLatin1String("template"), QStringLiteral("countdown") },
                    { QLatin1String("duration_s"), 42 } });
            QVERIFY(d.savePreset(QStringLiteral("Countdown 42")));
            QCOMPARE(d.presetCombo()->currentText(), QStringLiteral("Countdown 42"));
            d.form()->reset();
            QCOMPARE(d.request().input.value(QLatin1String("duration_s")).toInt(), 10);
            choose(d.presetCombo(), QStringLiteral("Countdown 42"));
            d.presetCombo()->setCurrentIndex(0);
            choose(d.presetCombo(), QStringLiteral("Countdown 42"));
            QCOMPARE(d.request().input.value(QLatin1String("duration_s")).toInt(), 42);
            QCOMPARE(rawObject(d).value(QLatin1String("template")).toString(),
                QStringLiteral("countdown"));
            // Another task has its own presets.
            choose(d.taskCombo(), QStringLiteral("api/transcribe"));
            QCOMPARE(d.presetCombo()->count(), 1);
        }
        Catalog::TaskPresets reread(presetsPath());
        SubmitDialog d(m_catalog, &reread);
        d.setProfiles(profiles());
        choose(d.profileCombo(), QStringLiteral("local peako"));
        choose(d.taskCombo(), QStringLiteral("api/render"));
        QCOMPARE(d.presetCombo()->count(), 2);
        QVERIFY(d.loadPreset(QStringLiteral("Countdown 42")));
        QCOMPARE(d.request().input.value(QLatin1String("template")).toString(),
            QStringLiteral("countdown"));
        QVERIFY(d.deletePreset(QStringLiteral("Countdown 42")));
        QCOMPARE(d.presetCombo()->count(), 1);
        QVERIFY(Catalog::TaskPresets(presetsPath())
                    .names(QStringLiteral("peako"), QStringLiteral("api/render"))
                    .isEmpty());
    }

    // The count and the channel chosen reach the emitted request, with profile, task and input.
    void countAndViaReachTheRequest()
    {
        SubmitDialog d(m_catalog, nullptr);
        d.setProfiles(profiles());
        choose(d.profileCombo(), QStringLiteral("local imagepipeline"));
        choose(d.taskCombo(), QStringLiteral("generate/image/v1"));
        QTest::keyClicks(d.form()->editor(QStringLiteral("prompt")), QStringLiteral("lighthouse"));
        QCOMPARE(d.countSpin()->minimum(), 1);
        QCOMPARE(d.countSpin()->maximum(), 500);
        d.countSpin()->setValue(7);
        choose(d.viaCombo(), QString::number(int(Via::Webhook)));
        d.viaCombo()->setCurrentIndex(d.viaCombo()->findData(int(Via::Webhook)));
        QSignalSpy submitted(&d, &SubmitDialog::submitRequested);
        QTest::mouseClick(d.submitButton(), Qt::LeftButton);
        QCOMPARE(submitted.size(), 1);
        const auto r = submitted.first().first().value<SubmitRequest>();
        QCOMPARE(r.profile, QStringLiteral("local imagepipeline"));
        QCOMPARE(r.task, QStringLiteral("generate/image/v1"));
        QCOMPARE(r.count, 7);
        QCOMPARE(r.via, Via::Webhook);
        QCOMPARE(r.input.value(QLatin1String("prompt")).toString(), QStringLiteral("lighthouse"));
        QCOMPARE(r.input.value(QLatin1String("output_format")).toString(), QStringLiteral("webp"));
        QCOMPARE(d.result(), int(QDialog::Accepted));
    }

    // Ctrl+Return submits from inside a text field, and only when the input is valid.
    void ctrlReturnSubmits()
    {
        SubmitDialog d(m_catalog, nullptr);
        d.setProfiles(profiles());
        choose(d.profileCombo(), QStringLiteral("local peelapi"));
        choose(d.taskCombo(), QStringLiteral("v1/headshot"));
        d.show();
        QVERIFY(QTest::qWaitForWindowActive(&d));
        QSignalSpy submitted(&d, &SubmitDialog::submitRequested);
        QWidget *prompt = d.form()->editor(QStringLiteral("prompt"));
        prompt->setFocus();
        QTRY_VERIFY(prompt->hasFocus());
        QTest::keyClick(prompt, Qt::Key_Return, Qt::ControlModifier);
        QCOMPARE(submitted.size(), 0); // prompt is still empty
        QTest::keyClicks(prompt, QStringLiteral("smiling"));
        QTest::keyClick(prompt, Qt::Key_Return); // a plain Return is a newline, not a submit
        QCOMPARE(submitted.size(), 0);
        QTest::keyClick(prompt, Qt::Key_Return, Qt::ControlModifier);
        QCOMPARE(submitted.size(), 1);
        QCOMPARE(submitted.first()
                     .first()
                     .value<SubmitRequest>()
                     .input.value(QLatin1String("prompt"))
                     .toString(),
            QStringLiteral("smiling\n"));
        QVERIFY(!d.isVisible());
    }

    // preset() (Resubmit) selects the profile and task and pre-fills the input; the last choice
    // is remembered for the next profile list.
    void presetPrefillsAndLastChoiceIsRemembered()
    {
        SubmitDialog d(m_catalog, nullptr);
        d.setProfiles(profiles());
        d.countSpin()->setValue(5);
        QVERIFY(d.preset(QStringLiteral("local peako"), QStringLiteral("/api/video/blur"),
            QJsonObject { { QLatin1String("video_url"), QStringLiteral("https://e.com/v.mp4") },
                { QLatin1String("radius"), 30 } }));
        QCOMPARE(d.profileCombo()->currentData().toString(), QStringLiteral("local peako"));
        QCOMPARE(d.taskCombo()->currentData().toString(), QStringLiteral("api/video/blur"));
        QCOMPARE(qobject_cast<QSpinBox *>(d.form()->editor(QStringLiteral("radius")))->value(), 30);
        QCOMPARE(rawObject(d).value(QLatin1String("radius")).toInt(), 30);
        QCOMPARE(d.countSpin()->value(), 1);
        QVERIFY(d.submitButton()->isEnabled());
        QVERIFY(!d.preset(QStringLiteral("nobody"), QStringLiteral("api/render"), {}));
        QVERIFY(
            !d.preset(QStringLiteral("local peako"), QStringLiteral("api/v1/client/txt2img"), {}));

        QCOMPARE(d.lastProfile(), QStringLiteral("local peako"));
        QCOMPARE(d.lastTask(), QStringLiteral("api/video/blur"));
        d.setProfiles(profiles());
        QCOMPARE(d.taskCombo()->currentData().toString(), QStringLiteral("api/video/blur"));

        SubmitDialog fresh(m_catalog, nullptr);
        fresh.restoreLastChoice(
            QStringLiteral("local deapi"), QStringLiteral("api/v1/client/txt2audio"));
        fresh.setProfiles(profiles());
        QCOMPARE(fresh.profileCombo()->currentData().toString(), QStringLiteral("local deapi"));
        QCOMPARE(
            fresh.taskCombo()->currentData().toString(), QStringLiteral("api/v1/client/txt2audio"));

        SubmitDialog empty(m_catalog, nullptr);
        QVERIFY(!empty.submitButton()->isEnabled());
        QVERIFY(empty.blockedReason().contains(QLatin1String("profile")));
    }

    // Renders the dialog for a deAPI txt2img and a Peako render when JOBSCOPE_SCREENSHOTS names
    // a folder (for looking at it, not a check).
    void screenshots()
    {
        const QString dir = qEnvironmentVariable("JOBSCOPE_SCREENSHOTS");
        if (dir.isEmpty())
            QSKIP("set JOBSCOPE_SCREENSHOTS to a folder to render the dialog");
        Catalog::TaskPresets presets(presetsPath());
        SubmitDialog d(m_catalog, &presets);
        d.setProfiles(profiles());
        QVERIFY(d.preset(QStringLiteral("local deapi"), QStringLiteral("api/v1/client/txt2img"),
            QJsonObject { { QLatin1String("prompt"),
                              QStringLiteral("A lighthouse on a cliff at dusk, oil painting") },
                { QLatin1String("width"), 4096 } }));
        d.show();
        QVERIFY(QTest::qWaitForWindowExposed(&d));
        QCoreApplication::sendPostedEvents();
        QVERIFY(d.grab().save(dir + QStringLiteral("/submit_deapi_txt2img.png")));
        QVERIFY(
            d.preset(QStringLiteral("local peako"), QStringLiteral("api/render"), QJsonObject {}));
        QCoreApplication::sendPostedEvents(); // the new form's layout requests
        QVERIFY(d.grab().save(dir + QStringLiteral("/submit_peako_render.png")));
        d.tabs()->setCurrentIndex(1);
        QCoreApplication::sendPostedEvents();
        QVERIFY(d.grab().save(dir + QStringLiteral("/submit_peako_render_raw.png")));
        d.tabs()->setCurrentIndex(0);
        QVERIFY(d.preset(QStringLiteral("local imagepipeline"), QStringLiteral("edit/image/v1"),
            QJsonObject { { QLatin1String("prompt"), QStringLiteral("make it winter") } }));
        QImage image(64, 64, QImage::Format_RGB32);
        image.fill(Qt::darkCyan);
        const QString png = m_dir.filePath(QStringLiteral("harbour.png"));
        QVERIFY(image.save(png));
        QVERIFY(qobject_cast<Ui::MediaField *>(d.form()->editor(QStringLiteral("image_url")))
                    ->chooseFile(png));
        QCoreApplication::sendPostedEvents();
        QVERIFY(d.grab().save(dir + QStringLiteral("/submit_imagepipeline_edit.png")));
    }
};

QTEST_MAIN(TestSubmitDialog)
#include "tst_submitdialog.moc"
