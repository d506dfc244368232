#pragma once

#include "sandbox/httplimits.h"
#include "sandbox/servicecontext.h"

#include <QHostAddress>
#include <QJsonObject>
#include <QObject>
#include <QTemporaryDir>
#include <memory>
#include <vector>

namespace Catalog {
class TaskCatalog;
}

namespace Sandbox {

class ControlFront;
class FrontBase;
class HttpServer;
class JobEngine;
class JobStore;
class PusherHub;
class ResultFileFront;
class ResultUrls;
class SseHub;
class WebhookDispatcher;

// jobscope-sandbox as an object: the five dialect front ends, the QA control API, result files,
// SSE, the Pusher endpoint and webhooks over one engine and one port. Used by the
// jobscope-sandbox executable, by the tests, and later embedded in the desktop app.
class SandboxServer final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SandboxServer)

public:
    struct Options
    {
        QHostAddress listen = QHostAddress::LocalHost;
        quint16 port = 0;
        QString dataDir; // empty: state in memory, files in a temporary folder
        double speed = 1.0;
        int workers = 8;
        double progressHz = 2.0;
        int keepAliveMs = 15000;
        int sseRetryMs = 1000;
        int pusherActivityTimeout = 120;
        bool allowRemoteWebhooks = false;
        HttpLimits limits; // request sizes and connection timeouts
        qint64 downloadRate = 0; // result files: bytes per second per transfer, 0 = unlimited
        // The /_sandbox control routes need X-Sandbox-Token: <a random token of this run>, printed
        // as "control_token" by info(). False: no token (scripts; Host and Origin still checked).
        bool requireControlToken = true;
        QStringList allowedHosts; // Host names requests may use besides 127.0.0.1, localhost, [::1]
    };

    explicit SandboxServer(Options options, QObject *parent = nullptr);
    ~SandboxServer() override;

    bool start(QString *error);
    // The description printed on start: where it listens, the control token and each dialect's
    // credentials.
    QJsonObject info() const;
    // The token the control routes want in X-Sandbox-Token (empty when none is required).
    QByteArray controlToken() const { return m_controlToken; }
    quint16 port() const { return m_port; }
    JobEngine *engine() const;

private:
    void loadAccounts();

    Options m_options;
    quint16 m_port = 0;
    QString m_baseUrl;
    std::unique_ptr<QTemporaryDir> m_tempDir;
    std::unique_ptr<JobStore> m_store;
    std::unique_ptr<Catalog::TaskCatalog> m_catalog;
    std::unique_ptr<ResultUrls> m_urls;
    HttpServer *m_http = nullptr;
    JobEngine *m_engine = nullptr;
    SseHub *m_sse = nullptr;
    PusherHub *m_pusher = nullptr;
    WebhookDispatcher *m_webhooks = nullptr;
    ServiceContext m_ctx;
    std::vector<std::unique_ptr<FrontBase>> m_fronts;
    std::unique_ptr<ResultFileFront> m_files;
    std::unique_ptr<ControlFront> m_control;
    QByteArray m_urlSecret;
    QByteArray m_controlToken;
};

} // namespace Sandbox
