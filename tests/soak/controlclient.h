#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QString>
#include <functional>

class QNetworkAccessManager;
class QNetworkRequest;

namespace Soak {

// The sandbox's QA control API (/_sandbox) as the soak uses it: every request carries the run's
// control token (X-Sandbox-Token) when the sandbox printed one, JSON bodies, a transfer timeout.
class ControlClient final
{
public:
    struct Answer
    {
        int status = 0; // 0: no HTTP answer
        QJsonObject json;
        QByteArray body;
        QString error;
    };

    explicit ControlClient(QNetworkAccessManager *nam);

    // Where the current sandbox run listens and its token (both change at each restart).
    void setTarget(const QString &controlUrl, const QByteArray &token);

    // `route` is appended to the control URL ("/drop", "/jobs/ID"). `done` on this thread.
    void post(
        const QString &route, const QJsonObject &body, std::function<void(const Answer &)> done);
    // Waits for the answer, serving events meanwhile (used once the run is over).
    Answer getNow(const QString &route, int timeoutMs = 20000);
    // Any URL (a dialect's own route or a result file), with the given headers, waiting for it.
    Answer fetchNow(const QString &url, const QList<QPair<QByteArray, QByteArray>> &headers,
        int timeoutMs = 20000);

private:
    QNetworkRequest request(const QString &route) const;

    QNetworkAccessManager *m_nam;
    QString m_controlUrl;
    QByteArray m_token;
};

} // namespace Soak
