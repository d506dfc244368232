#include "secrets/keytester.h"

#include "catalog/taskcatalog.h"
#include "dialects/adapter.h"
#include "net/httpcall.h"

#include <QHostAddress>
#include <QNetworkRequest>
#include <QUuid>

namespace Secrets {

namespace {

bool isLoopback(const QUrl &url)
{
    const QString host = url.host();
    if (host.compare(QLatin1String("localhost"), Qt::CaseInsensitive) == 0)
        return true;
    const QHostAddress address(host);
    return !address.isNull() && address.isLoopback();
}

} // namespace

KeyTester::KeyTester(QNetworkAccessManager *nam, Core::Profile profile, QObject *parent)
    : Core::Operation(parent)
    , m_nam(nam)
    , m_profile(std::move(profile))
{ }

KeyTester::~KeyTester() = default; // m_call is a child: destroying it aborts the request

void KeyTester::doStart()
{
    const QString host = m_profile.baseUrl.host();
    if (m_profile.apiKey.trimmed().isEmpty()) {
        finish(KeyTestResult::Verdict::Unknown, 0,
            QStringLiteral("There is no key to test for profile %1.").arg(m_profile.name));
        return;
    }
    if (!m_profile.baseUrl.isValid() || m_profile.baseUrl.scheme().isEmpty() || host.isEmpty()) {
        finish(KeyTestResult::Verdict::Unknown, 0,
            QStringLiteral("The profile %1 has no usable base URL.").arg(m_profile.name));
        return;
    }
    if (m_profile.baseUrl.scheme() == QLatin1String("http") && !isLoopback(m_profile.baseUrl)
        && !m_profile.allowInsecure) {
        finish(KeyTestResult::Verdict::Unknown, 0,
            QStringLiteral("Not sending the key to %1 over plain http: it would travel "
                           "unencrypted. Use https, or allow "
                           "insecure connections for this profile.")
                .arg(host));
        return;
    }

    // Shared with the answer handler, which reads the dialect's error shape.
    const std::shared_ptr<Dialects::Adapter> adapter = Dialects::Adapter::create(m_profile);
    Dialects::JobRef job;
    job.id
        = QStringLiteral("jobscope-key-test-") + QUuid::createUuid().toString(QUuid::WithoutBraces);
    if (m_profile.dialect == Core::Dialect::ImagePipeline) {
        // Its status route hangs off the endpoint that created the job; any known endpoint will do.
        const QList<Catalog::TaskInfo> tasks
            = Catalog::TaskCatalog().tasks(Core::dialectName(m_profile.dialect));
        if (!tasks.isEmpty())
            job.task = tasks.first().path;
    }
    const Dialects::RequestSpec spec = adapter->status(job);
    QNetworkRequest request(spec.url);
    for (const auto &h : spec.headers)
        request.setRawHeader(h.first, h.second);
    m_call = new Net::HttpCall(m_nam, spec.method, request, spec.body, this);
    m_call->setTimeoutMs(m_timeoutMs);
    m_call->setMaxBodyBytes(1024 * 1024);
    connect(m_call, &Core::Operation::result, this, [this, host, adapter] {
        const Net::HttpCall *call = m_call; // deletes itself after this
        const int status = call->httpStatus();
        const QByteArray body = call->body();
        const QString networkMessage = call->networkMessage();
        if (call->failed()) {
            finish(KeyTestResult::Verdict::Unknown, 0,
                QStringLiteral("Could not tell whether the key works: %1 did not answer (%2).")
                    .arg(host,
                        networkMessage.isEmpty() ? QStringLiteral("no answer") : networkMessage));
            return;
        }
        const Core::JobError error = adapter->errorFrom(status, 0, body);
        // The service's own words, minus anything that echoes the key back.
        QString said = error.message;
        if (!m_profile.apiKey.isEmpty())
            said.replace(m_profile.apiKey, QStringLiteral("[redacted]"));
        if (status == 404 || (status >= 200 && status < 300)) {
            finish(KeyTestResult::Verdict::Accepted, status,
                QStringLiteral("%1 accepted the key.").arg(host));
        } else if (status == 401 || status == 403) {
            finish(KeyTestResult::Verdict::Refused, status,
                QStringLiteral("%1 refused the key (HTTP %2%3).")
                    .arg(host)
                    .arg(status)
                    .arg(said.isEmpty() ? QString() : QStringLiteral(": ") + said));
        } else {
            finish(KeyTestResult::Verdict::Unknown, status,
                QStringLiteral("Could not tell whether the key works: %1 answered HTTP %2%3.")
                    .arg(host)
                    .arg(status)
                    .arg(said.isEmpty() ? QString()
                                        : QStringLiteral(" (") + said + QLatin1Char(')')));
        }
    });
    m_call->start();
}

void KeyTester::doKill()
{
    if (m_call) {
        m_call->disconnect(this);
        m_call->kill();
    }
}

void KeyTester::finish(KeyTestResult::Verdict verdict, int status, const QString &message)
{
    m_outcome.verdict = verdict;
    m_outcome.httpStatus = status;
    m_outcome.message = message;
    emitResult(verdict == KeyTestResult::Verdict::Unknown ? message : QString());
}

} // namespace Secrets
