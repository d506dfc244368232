#pragma once

#include <QByteArray>
#include <QNetworkRequest>
#include <QString>
#include <QUrl>

namespace Net {

// The one place that vets every outgoing HTTP request and every redirect hop (HttpCall,
// SseConnection, PusherHttpAuthorizer, Downloads::FileDownload). Pure: no I/O, no QObject; the
// caller sends what request() says and reports each answer's status and Location to
// onAnswer().
//
// Rules:
// - Only http and https URLs are requested at all; anything else (file:, data:, qrc:, ftp:, …)
//   is refused with "<url> is not an http(s) URL".
// - Qt never follows a redirect itself (ManualRedirectPolicy): onAnswer() decides. At most
//   MaxRedirects hops; one more is "the server redirected more than 5 times".
// - Credentials stay with their origin (scheme, host, port): on the first hop to another origin
//   every header outside the safe set (Accept, Accept-Encoding, Accept-Language, Content-Type,
//   User-Agent, Last-Event-ID, Range, If-Range, Cache-Control) is dropped — Authorization,
//   X-API-Key and any other key header included — and never comes back on later hops, even to
//   the original origin.
// - https → http is refused. A hop to plain http on a host that is not this machine is refused
//   unless insecure transport was allowed (setAllowInsecure(), or the first URL is itself plain
//   http to such a host, which only a caller that allowed it sends).
// - 303, and 301/302 of a POST, continue as GET without a body (as browsers do); 307/308 keep the
//   method and re-send the body, but only to the original origin: a body is never sent to
//   another origin (refused). Other methods on 301/302 keep the method, without a body.
// - 300, 304, 305, 306, a 3xx without Location, and every non-3xx status are final answers.
class OriginPolicy
{
public:
    static constexpr int MaxRedirects = 5;

    enum class Verdict {
        Final, // the answer is the answer: read it
        Follow, // send request() / method() / body() next
        Refuse, // stop: error() says why
    };
    // Why a request or a hop was refused.
    enum class Refusal {
        None,
        NotHttp, // not an http(s) URL, or no host
        TooManyRedirects,
        Downgrade, // https → http
        InsecureTarget, // plain http to a host that is not this machine
        BodyToOtherOrigin, // a 307/308 with a body to another origin
    };

    // `request` carries the URL and the caller's headers (credentials included).
    explicit OriginPolicy(const QNetworkRequest &request,
        const QByteArray &method = QByteArrayLiteral("GET"), const QByteArray &body = {});

    void setAllowInsecure(bool allow) { m_allowInsecure = allow; }
    bool allowInsecure() const { return m_allowInsecure; }

    // Empty when the first URL may be requested, else the reason (see checkUrl()).
    QString startError() const { return m_startError; }

    // The request to send now: the current URL and headers, redirects handled manually.
    const QNetworkRequest &request() const { return m_request; }
    QUrl url() const { return m_request.url(); }
    QByteArray method() const { return m_method; }
    QByteArray body() const { return m_body; }
    int redirects() const { return m_redirects; }
    // True once a hop left the original origin (the credentials are gone).
    bool leftOrigin() const { return m_leftOrigin; }
    QString error() const { return m_error; }
    Refusal refusal() const { return m_refusal; }

    // The answer to request() had `status` and (when 3xx) `location` (the raw Location header).
    Verdict onAnswer(int status, const QByteArray &location);

    // --- the rules on their own, for the callers that need only one of them

    // Empty for an absolute http(s) URL with a host; else "<url> is not an http(s) URL" (or "…
    // has no host").
    static QString checkUrl(const QUrl &url);
    static bool isHttpUrl(const QUrl &url);
    // localhost, 127.0.0.0/8, ::1 (and *.localhost).
    static bool isLoopback(const QUrl &url);
    // Same scheme, host and port (default ports filled in).
    static bool sameOrigin(const QUrl &a, const QUrl &b);
    // Plain http or ws to a host that is not this machine.
    static bool isInsecureRemote(const QUrl &url);
    // The headers that may follow a request to another origin.
    static bool isSafeHeader(const QByteArray &name);
    // The URL as shown in a message: no user info, query or fragment, at most 120 characters.
    static QString display(const QUrl &url);
    // The request sent from here on: redirects left to onAnswer().
    static void prepare(QNetworkRequest *request);
    // `request` with only the safe headers.
    static QNetworkRequest withoutCredentials(const QNetworkRequest &request, const QUrl &url);

private:
    Verdict refuse(Refusal refusal, QString why);

    QUrl m_origin; // the first URL: credentials belong to it
    QNetworkRequest m_request;
    QByteArray m_method;
    QByteArray m_body;
    QString m_startError;
    QString m_error;
    Refusal m_refusal = Refusal::None;
    int m_redirects = 0;
    bool m_allowInsecure = false;
    bool m_leftOrigin = false;
};

} // namespace Net
