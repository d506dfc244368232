#include "sandbox/sandboxserver.h"

#include "catalog/taskcatalog.h"
#include "sandbox/controlfront.h"
#include "sandbox/deapifront.h"
#include "sandbox/httpcontext.h"
#include "sandbox/httpserver.h"
#include "sandbox/imagepipelinefront.h"
#include "sandbox/jobengine.h"
#include "sandbox/jobstore.h"
#include "sandbox/peakofront.h"
#include "sandbox/peelapifront.h"
#include "sandbox/peelfront.h"
#include "sandbox/pusherhub.h"
#include "sandbox/resultfilefront.h"
#include "sandbox/resulturls.h"
#include "sandbox/ssehub.h"
#include "sandbox/webhookdispatcher.h"

#include <QCoreApplication>
#include <QDir>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QWebSocket>

namespace Sandbox {

namespace {

QString randomToken(int bytes)
{
    QByteArray b(bytes, Qt::Uninitialized);
    for (int i = 0; i < bytes; ++i)
        b[i] = char(QRandomGenerator::system()->bounded(256));
    return QString::fromLatin1(b.toHex());
}

QLatin1String k(const char *s)
{
    return QLatin1String(s);
}

} // namespace

SandboxServer::SandboxServer(Options options, QObject *parent)
    : QObject(parent)
    , m_options(std::move(options))
{ }

SandboxServer::~SandboxServer()
{
    // Listeners go before the engine that calls them; the engine flushes to the store as it dies.
    for (const auto &f : m_fronts)
        m_engine->removeListener(f.get());
    delete m_engine;
    m_engine = nullptr;
}

JobEngine *SandboxServer::engine() const
{
    return m_engine;
}

void SandboxServer::loadAccounts()
{
    const QJsonObject stored
        = QJsonDocument::fromJson(m_store->meta(QStringLiteral("accounts")).toUtf8()).object();
    QJsonObject accounts = stored;
    const struct
    {
        Dialect d;
        const char *keyPrefix;
    } table[] = { { Dialect::PeelApi, "pk_sandbox_" }, { Dialect::ImagePipeline, "ip_sandbox_" },
        { Dialect::Peel, "peel_sandbox_" }, { Dialect::Peako, "pko_sandbox_" },
        { Dialect::DeApi, "deapi_sandbox_" } };
    for (const auto &row : table) {
        const QString name = DialectTable::name(row.d);
        QJsonObject a = accounts.value(name).toObject();
        if (a.value(k("api_key")).toString().isEmpty()) {
            a.insert(k("api_key"), QLatin1String(row.keyPrefix) + randomToken(16));
            a.insert(k("webhook_secret"), QStringLiteral("whsec_") + randomToken(20));
            if (row.d == Dialect::DeApi) {
                a.insert(k("pusher_key"), QStringLiteral("sandbox-pusher-") + randomToken(6));
                a.insert(k("pusher_secret"), randomToken(20));
                a.insert(k("client_id"),
                    QString::number(1000 + QRandomGenerator::system()->bounded(9000)));
            }
            accounts.insert(name, a);
        }
        Account acc;
        acc.apiKey = a.value(k("api_key")).toString();
        acc.webhookSecret = a.value(k("webhook_secret")).toString().toUtf8();
        acc.pusherKey = a.value(k("pusher_key")).toString();
        acc.pusherSecret = a.value(k("pusher_secret")).toString();
        acc.clientId = a.value(k("client_id")).toString();
        m_ctx.accounts.insert(int(row.d), acc);
    }
    if (accounts != stored)
        m_store->setMeta(QStringLiteral("accounts"),
            QString::fromUtf8(QJsonDocument(accounts).toJson(QJsonDocument::Compact)));
    m_urlSecret = m_store->meta(QStringLiteral("url_secret")).toUtf8();
    if (m_urlSecret.isEmpty()) {
        m_urlSecret = randomToken(32).toUtf8();
        m_store->setMeta(QStringLiteral("url_secret"), QString::fromUtf8(m_urlSecret));
    }
}

bool SandboxServer::start(QString *error)
{
    QString filesDir;
    QString dbPath;
    if (m_options.dataDir.isEmpty()) {
        m_tempDir = std::make_unique<QTemporaryDir>();
        if (!m_tempDir->isValid()) {
            *error = QStringLiteral("cannot create a temporary folder for results");
            return false;
        }
        filesDir = m_tempDir->filePath(QStringLiteral("files"));
    } else {
        QDir dir(m_options.dataDir);
        if (!dir.mkpath(QStringLiteral("files"))) {
            *error = QStringLiteral("cannot create the data folder %1").arg(m_options.dataDir);
            return false;
        }
        filesDir = dir.filePath(QStringLiteral("files"));
        dbPath = dir.filePath(QStringLiteral("sandbox.db"));
    }
    m_store = std::make_unique<JobStore>(dbPath);
    if (!m_store->isOpen()) {
        *error = QStringLiteral("cannot open the sandbox database: %1").arg(m_store->errorString());
        return false;
    }
    loadAccounts();

    m_http = new HttpServer(m_options.limits, this);
    m_port = m_http->listenOn(m_options.listen, m_options.port, error);
    if (!m_port)
        return false;
    m_http->allowHosts(m_options.allowedHosts);
    // A new token each run: only whoever read this run's startup line can drive the control routes.
    m_controlToken = m_options.requireControlToken ? randomToken(32).toLatin1() : QByteArray();
    const QString host = m_options.listen.protocol() == QAbstractSocket::IPv6Protocol
        ? QLatin1Char('[') + m_options.listen.toString() + QLatin1Char(']')
        : (m_options.listen == QHostAddress::Any ? QStringLiteral("127.0.0.1")
                                                 : m_options.listen.toString());
    m_baseUrl = QStringLiteral("http://%1:%2").arg(host).arg(m_port);

    JobEngine::Config config;
    config.speed = m_options.speed;
    config.maxWorkers = m_options.workers;
    config.progressHz = m_options.progressHz;
    config.filesDir = filesDir;
    // Without --data there is no restart to survive: jobs are not written at all.
    m_engine = new JobEngine(config, m_options.dataDir.isEmpty() ? nullptr : m_store.get());
    m_catalog = std::make_unique<Catalog::TaskCatalog>();
    m_urls = std::make_unique<ResultUrls>(m_urlSecret, m_baseUrl);
    m_sse = new SseHub(m_options.keepAliveMs, m_options.sseRetryMs, this);
    const Account &deapi = m_ctx.account(Dialect::DeApi);
    m_pusher = new PusherHub(deapi.pusherKey, deapi.pusherSecret, this);
    m_pusher->setActivityTimeout(m_options.pusherActivityTimeout);
    m_webhooks = new WebhookDispatcher(m_engine, m_options.allowRemoteWebhooks, this);
    connect(m_http, &HttpServer::newWebSocketConnection, this, [this] {
        while (m_http->hasPendingWebSocketConnections())
            m_pusher->addConnection(m_http->nextPendingWebSocketConnection());
    });

    m_ctx.engine = m_engine;
    m_ctx.catalog = m_catalog.get();
    m_ctx.urls = m_urls.get();
    m_ctx.sse = m_sse;
    m_ctx.pusher = m_pusher;
    m_ctx.webhooks = m_webhooks;
    m_ctx.baseUrl = m_baseUrl;

    Router &router = m_http->router();
    m_ctx.downloadRate = m_options.downloadRate;
    m_files = std::make_unique<ResultFileFront>(m_ctx);
    m_files->registerRoutes(router);
    m_control
        = std::make_unique<ControlFront>(m_ctx, m_http, m_controlToken, [this] { return info(); });
    m_control->registerRoutes(router);
    m_http->addFilter(
        QStringLiteral("/_sandbox"), [this](HttpContext &c) { return m_control->admit(c); });
    m_fronts.push_back(std::make_unique<PeelApiFront>(m_ctx));
    m_fronts.push_back(std::make_unique<ImagePipelineFront>(m_ctx));
    m_fronts.push_back(std::make_unique<PeelFront>(m_ctx));
    m_fronts.push_back(std::make_unique<PeakoFront>(m_ctx));
    m_fronts.push_back(std::make_unique<DeApiFront>(m_ctx));
    for (const auto &f : m_fronts) {
        f->registerRoutes(router);
        m_engine->addListener(f.get());
    }
    m_http->setFallback([](HttpContext &c) {
        c.reply(HttpResponse::json(404,
            QJsonObject { { k("error"),
                QStringLiteral("Unknown path %1. The dialects live under /peelapi, "
                               "/imagepipeline, /peel, /peako and /deapi; QA "
                               "controls under /_sandbox.")
                    .arg(c.path()) } }));
    });
    m_engine->restore();
    return true;
}

QJsonObject SandboxServer::info() const
{
    QJsonObject dialects;
    for (Dialect d : { Dialect::PeelApi, Dialect::ImagePipeline, Dialect::Peel, Dialect::Peako,
             Dialect::DeApi }) {
        const Account &a = m_ctx.account(d);
        QJsonObject o { { k("base_url"), m_baseUrl + DialectTable::prefix(d) },
            { k("api_key"), a.apiKey } };
        const bool bearer = d == Dialect::PeelApi || d == Dialect::DeApi;
        o.insert(k("auth_header"),
            bearer ? QStringLiteral("Authorization: Bearer") : QStringLiteral("X-API-Key"));
        if (d == Dialect::ImagePipeline || d == Dialect::DeApi) {
            o.insert(k("webhook_secret"), QString::fromUtf8(a.webhookSecret));
            o.insert(k("webhook_signature_header"),
                d == Dialect::DeApi ? QStringLiteral("X-DeAPI-Signature")
                                    : QStringLiteral("X-ImagePipeline-Signature"));
        }
        if (d == Dialect::DeApi) {
            QString ws = m_baseUrl;
            ws.replace(0, 4, QStringLiteral("ws"));
            o.insert(k("ws_url"), ws);
            o.insert(k("pusher_key"), a.pusherKey);
            o.insert(k("pusher_secret"), a.pusherSecret);
            o.insert(k("client_id"), a.clientId);
            o.insert(k("channel"), QStringLiteral("private-client.") + a.clientId);
            o.insert(k("auth_url"),
                m_baseUrl + DialectTable::prefix(d) + QStringLiteral("/broadcasting/auth"));
        }
        dialects.insert(DialectTable::name(d), o);
    }
    return QJsonObject { { k("listen"), m_baseUrl },
        { k("control_url"), m_baseUrl + QStringLiteral("/_sandbox") },
        { k("control_token"),
            m_controlToken.isEmpty() ? QJsonValue()
                                     : QJsonValue(QString::fromLatin1(m_controlToken)) },
        { k("data_dir"),
            m_options.dataDir.isEmpty() ? QJsonValue() : QJsonValue(m_options.dataDir) },
        { k("speed"), m_options.speed }, { k("workers"), m_options.workers },
        { k("download_rate"), m_options.downloadRate },
        { k("pid"), QCoreApplication::applicationPid() }, { k("dialects"), dialects } };
}

} // namespace Sandbox
