// Proves that the webhook inbox panel shows the inbox URL (or "Not listening"), lists each signed
// POST with its job, event/status and signature verdict (valid, invalid, replay, too large), and
// shows the selected delivery's payload pretty-printed; its model passes QAbstractItemModelTester.
#include "net/webhookinbox.h"
#include "testhttp.h"
#include "webhooks/webhookinboxpanel.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QClipboard>
#include <QDateTime>
#include <QMessageAuthenticationCode>
#include <QPlainTextEdit>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>
#include <QToolButton>

using namespace TestSupport;
using Net::WebhookInbox;
using Ui::WebhookDeliveryModel;
using Ui::WebhookInboxPanel;

namespace {

const QByteArray Secret = "whsec_panel_test";

QByteArray sign(const QByteArray &secret, const QByteArray &timestamp, const QByteArray &body)
{
    return "sha256="
        + QMessageAuthenticationCode::hash(
            timestamp + '.' + body, secret, QCryptographicHash::Sha256)
              .toHex();
}

QByteArray now()
{
    return QByteArray::number(QDateTime::currentSecsSinceEpoch());
}

} // namespace

class TstWebhookInboxPanel final : public QObject
{
    Q_OBJECT

    TestHttp m_http;

    HttpResult deliver(WebhookInbox &inbox, const QByteArray &body, const QByteArray &ts,
        const QByteArray &signature)
    {
        return m_http.postRaw(inbox.url(QStringLiteral("imagepipeline")).toString(), body,
            { { "Content-Type", "application/json" }, { "X-ImagePipeline-Timestamp", ts },
                { "X-ImagePipeline-Signature", signature } });
    }

    QString cell(const QAbstractItemModel *m, int row, int column)
    {
        return m->index(row, column).data().toString();
    }

private Q_SLOTS:
    // Not listening: says so and the copy button is off; after listen() the URL is shown.
    void notListening()
    {
        WebhookInbox inbox;
        WebhookInboxPanel panel(&inbox);
        QCOMPARE(panel.urlText(), QStringLiteral("Not listening"));
        QVERIFY(!panel.copyButton()->isEnabled());
        QVERIFY(inbox.listen());
        panel.refreshState();
        QCOMPARE(panel.urlText(), inbox.url().toString());
        panel.copyButton()->click();
        QCOMPARE(QGuiApplication::clipboard()->text(), inbox.url().toString());
    }

    // Each POST appears as a row (newest first) with its verdict; selecting shows the payload.
    void deliveriesAndVerdicts()
    {
        WebhookInbox inbox;
        QVERIFY(inbox.listen());
        QVERIFY(inbox.addScheme(QStringLiteral("imagepipeline"), "X-ImagePipeline-Signature",
            "X-ImagePipeline-Timestamp", Secret));
        inbox.setMaxBodyBytes(4096);
        WebhookInboxPanel panel(&inbox);
        panel.setProfileResolver(
            [](const QString &scheme) { return QStringLiteral("sandbox-") + scheme; });
        QAbstractItemModelTester tester(
            panel.model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy inserted(panel.model(), &QAbstractItemModel::rowsInserted);
        panel.resize(760, 480);
        panel.show();

        const QByteArray body
            = "{\"job_id\":\"job-42\",\"event\":\"job.completed\",\"status\":\"succeeded\","
              "\"output\":{\"url\":\"http://127.0.0.1/x.png\"}}";
        const QByteArray ts = now();
        QCOMPARE(deliver(inbox, body, ts, sign(Secret, ts, body)).status, 200);
        QTRY_COMPARE(panel.model()->rowCount(), 1);
        QCOMPARE(inserted.count(), 1);
        const QAbstractItemModel *m = panel.model();
        QCOMPARE(cell(m, 0, WebhookDeliveryModel::ProfileColumn),
            QStringLiteral("sandbox-imagepipeline"));
        QCOMPARE(cell(m, 0, WebhookDeliveryModel::JobColumn), QStringLiteral("job-42"));
        QCOMPARE(cell(m, 0, WebhookDeliveryModel::EventColumn),
            QStringLiteral("job.completed / succeeded"));
        QCOMPARE(cell(m, 0, WebhookDeliveryModel::VerdictColumn), QStringLiteral("valid"));
        QCOMPARE(m->index(0, WebhookDeliveryModel::SizeColumn)
                     .data(WebhookDeliveryModel::SortRole)
                     .toLongLong(),
            qint64(body.size()));

        // Forged, replayed and oversized deliveries are listed with what was wrong.
        const QByteArray forged = "{\"job_id\":\"job-43\",\"status\":\"failed\"}";
        QCOMPARE(deliver(inbox, forged, ts, sign("guessed", ts, forged)).status, 401);
        const QByteArray old = QByteArray::number(QDateTime::currentSecsSinceEpoch() - 3600);
        QCOMPARE(deliver(inbox, body, old, sign(Secret, old, body)).status, 400);
        const QByteArray big(5000, 'x');
        QCOMPARE(deliver(inbox, big, ts, sign(Secret, ts, big)).status, 413);
        QTRY_COMPARE(m->rowCount(), 4);
        QCOMPARE(cell(m, 0, WebhookDeliveryModel::VerdictColumn), QStringLiteral("too large"));
        QCOMPARE(m->index(0, WebhookDeliveryModel::SizeColumn)
                     .data(WebhookDeliveryModel::SortRole)
                     .toLongLong(),
            5000);
        QCOMPARE(cell(m, 1, WebhookDeliveryModel::VerdictColumn), QStringLiteral("replay"));
        QCOMPARE(cell(m, 2, WebhookDeliveryModel::VerdictColumn), QStringLiteral("invalid"));
        QCOMPARE(cell(m, 2, WebhookDeliveryModel::JobColumn), QStringLiteral("job-43"));
        QCOMPARE(cell(m, 3, WebhookDeliveryModel::VerdictColumn), QStringLiteral("valid"));

        // Selecting the valid one shows its payload, indented, and no signature.
        panel.view()->selectRow(3);
        const QString payload = panel.payloadView()->toPlainText();
        QVERIFY2(
            payload.contains(QLatin1String("    \"job_id\": \"job-42\"")), qPrintable(payload));
        QVERIFY(payload.contains(QLatin1String("\"url\": \"http://127.0.0.1/x.png\"")));
        QVERIFY(!payload.contains(QString::fromLatin1(sign(Secret, ts, body).mid(7))));
        // A new delivery goes on top and the selection follows its row.
        QCOMPARE(deliver(inbox, body, ts, sign(Secret, ts, body)).status, 200);
        QTRY_COMPARE(m->rowCount(), 5);
        QCOMPARE(panel.view()->currentIndex().row(), 4);
        QVERIFY(panel.payloadView()->toPlainText().contains(QLatin1String("job-42")));
        panel.grab().save(QStringLiteral("/tmp/webhookinboxpanel.png"));

        panel.clear();
        QCOMPARE(m->rowCount(), 0);
        QVERIFY(inbox.deliveries().isEmpty());
    }

    // The model keeps at most maxRows(), dropping the oldest.
    void boundedRows()
    {
        WebhookDeliveryModel model;
        QAbstractItemModelTester tester(
            &model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setMaxRows(3);
        for (int i = 0; i < 5; ++i) {
            WebhookInbox::Delivery d;
            d.receivedAt = QDateTime::currentDateTimeUtc();
            d.body = QStringLiteral("{\"id\":\"j%1\"}").arg(i).toUtf8();
            d.verdict = WebhookInbox::Verdict::Verified;
            model.add(d);
        }
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.index(0, WebhookDeliveryModel::JobColumn).data().toString(),
            QStringLiteral("j4"));
        QCOMPARE(model.index(2, WebhookDeliveryModel::JobColumn).data().toString(),
            QStringLiteral("j2"));
    }
};

QTEST_MAIN(TstWebhookInboxPanel)
#include "tst_webhookinboxpanel.moc"
