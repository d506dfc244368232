#include "net/originpolicy.h"

#include <QHostAddress>

namespace Net {

namespace {

bool isRedirectStatus(int status)
{
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

QString lowerScheme(const QUrl &url)
{
    return url.scheme().toLower();
}

} // namespace

OriginPolicy::OriginPolicy(
    const QNetworkRequest &request, const QByteArray &method, const QByteArray &body)
    : m_origin(request.url())
    , m_request(request)
    , m_method(method.isEmpty() ? QByteArrayLiteral("GET") : method)
    , m_body(body)
{
    m_startError = checkUrl(m_origin);
    if (!m_startError.isEmpty()) {
        m_refusal = Refusal::NotHttp;
        m_error = m_startError;
    }
    // A caller only sends plain http to a remote host when the profile allows it (the CLI and the
    // key test refuse it otherwise), so the same may hold for the hops.
    m_allowInsecure = m_startError.isEmpty() && isInsecureRemote(m_origin);
    prepare(&m_request);
}

QString OriginPolicy::display(const QUrl &url)
{
    QString text = url.toString(QUrl::RemoveUserInfo | QUrl::RemoveQuery | QUrl::RemoveFragment);
    // A data: URL carries its whole payload; control characters come from a server.
    for (QChar &c : text) {
        if (c.category() == QChar::Other_Control || c.category() == QChar::Other_Format)
            c = QChar(u'?');
    }
    if (text.isEmpty())
        return QStringLiteral("an empty URL");
    if (text.size() > 120)
        text = text.left(119) + QChar(0x2026);
    return text;
}

bool OriginPolicy::isHttpUrl(const QUrl &url)
{
    const QString scheme = lowerScheme(url);
    return url.isValid() && (scheme == QLatin1String("http") || scheme == QLatin1String("https"))
        && !url.host().isEmpty();
}

QString OriginPolicy::checkUrl(const QUrl &url)
{
    const QString scheme = lowerScheme(url);
    if (!url.isValid() || (scheme != QLatin1String("http") && scheme != QLatin1String("https")))
        return QStringLiteral("%1 is not an http(s) URL").arg(display(url));
    if (url.host().isEmpty())
        return QStringLiteral("%1 has no host").arg(display(url));
    return {};
}

bool OriginPolicy::isLoopback(const QUrl &url)
{
    QString host = url.host().toLower();
    if (host.endsWith(u'.'))
        host.chop(1);
    if (host == QLatin1String("localhost") || host.endsWith(QLatin1String(".localhost")))
        return true;
    const QHostAddress address(host);
    return !address.isNull() && address.isLoopback();
}

bool OriginPolicy::isInsecureRemote(const QUrl &url)
{
    const QString scheme = lowerScheme(url);
    return (scheme == QLatin1String("http") || scheme == QLatin1String("ws")) && !isLoopback(url);
}

bool OriginPolicy::sameOrigin(const QUrl &a, const QUrl &b)
{
    const QString scheme = lowerScheme(a);
    if (scheme != lowerScheme(b) || a.host().compare(b.host(), Qt::CaseInsensitive) != 0)
        return false;
    const int defaultPort
        = scheme == QLatin1String("https") || scheme == QLatin1String("wss") ? 443 : 80;
    return a.port(defaultPort) == b.port(defaultPort);
}

bool OriginPolicy::isSafeHeader(const QByteArray &name)
{
    static const char *const safe[] = { "Accept", "Accept-Encoding", "Accept-Language",
        "Content-Type", "User-Agent", "Last-Event-ID", "Range", "If-Range", "Cache-Control" };
    for (const char *s : safe) {
        if (name.compare(s, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

void OriginPolicy::prepare(QNetworkRequest *request)
{
    request->setAttribute(
        QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
}

QNetworkRequest OriginPolicy::withoutCredentials(const QNetworkRequest &request, const QUrl &url)
{
    // A copy keeps the attributes (timeouts, cache control); headers are removed one by one.
    QNetworkRequest out(request);
    out.setUrl(url);
    for (const QByteArray &name : request.rawHeaderList()) {
        if (!isSafeHeader(name))
            out.setRawHeader(name, QByteArray());
    }
    // Known headers set in their cooked form only (a cookie, say) have no raw twin to remove.
    out.setHeader(QNetworkRequest::CookieHeader, QVariant());
    return out;
}

OriginPolicy::Verdict OriginPolicy::refuse(Refusal refusal, QString why)
{
    m_refusal = refusal;
    m_error = std::move(why);
    return Verdict::Refuse;
}

OriginPolicy::Verdict OriginPolicy::onAnswer(int status, const QByteArray &location)
{
    if (!m_error.isEmpty())
        return Verdict::Refuse;
    if (!isRedirectStatus(status) || location.trimmed().isEmpty())
        return Verdict::Final;
    if (m_redirects >= MaxRedirects)
        return refuse(Refusal::TooManyRedirects,
            QStringLiteral("the server redirected more than %1 times").arg(MaxRedirects));

    const QUrl from = m_request.url();
    const QUrl target = from.resolved(QUrl::fromEncoded(location.trimmed()));
    const QString scheme = lowerScheme(target);
    if (!target.isValid() || (scheme != QLatin1String("http") && scheme != QLatin1String("https")))
        return refuse(Refusal::NotHttp,
            QStringLiteral("the server redirected to %1, which is not an http(s) URL")
                .arg(display(target)));
    if (target.host().isEmpty())
        return refuse(Refusal::NotHttp,
            QStringLiteral("the server redirected to %1, which has no host").arg(display(target)));
    if (lowerScheme(from) == QLatin1String("https") && scheme == QLatin1String("http"))
        return refuse(Refusal::Downgrade,
            QStringLiteral("the server redirected from https to plain http (%1); not following it")
                .arg(display(target)));
    if (isInsecureRemote(target) && !m_allowInsecure)
        return refuse(Refusal::InsecureTarget,
            QStringLiteral(
                "the server redirected to plain http on %1, where it would travel unencrypted; "
                "not following it")
                .arg(target.host()));

    QByteArray method = m_method;
    QByteArray body = m_body;
    if (status == 303 || ((status == 301 || status == 302) && m_method == "POST")) {
        if (method != "HEAD")
            method = QByteArrayLiteral("GET");
        body.clear();
    } else if (status == 301 || status == 302) {
        body.clear();
    }
    const bool crossOrigin = !sameOrigin(m_origin, target);
    if (crossOrigin && !body.isEmpty())
        return refuse(Refusal::BodyToOtherOrigin,
            QStringLiteral("the server redirected the request to another site (%1); its body is "
                           "not sent there")
                .arg(display(target)));

    if (crossOrigin && !m_leftOrigin) {
        m_request = withoutCredentials(m_request, target);
        m_leftOrigin = true;
    } else {
        m_request.setUrl(target);
    }
    if (body.isEmpty() && !m_body.isEmpty()) {
        // The body is gone, and with it what described it.
        m_request.setRawHeader("Content-Type", QByteArray());
    }
    m_method = method;
    m_body = body;
    ++m_redirects;
    return Verdict::Follow;
}

} // namespace Net
