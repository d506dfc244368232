// libFuzzer target for Net::OriginPolicy (app/net/originpolicy.h): the URL and redirect rules.
// Input: byte 0 picks the method (GET, POST, DELETE, HEAD) and whether a body is sent, byte 1
// whether insecure transport is allowed; then NUL-separated fields: the first URL, then hops
// "<status byte><Location bytes>". Invariants, checked after every hop:
// - the URL to send is always http(s) with a host, and requests are never redirected by Qt;
// - at most MaxRedirects hops are followed, and a refusal is final and has a message;
// - never https → http; never plain http to a remote host unless the caller allowed it;
// - once a hop left the first URL's origin, no credential header is ever sent again;
// - a body is only ever sent to the first URL's origin, and only after 307/308 hops.
#include "net/originpolicy.h"

#include <QByteArray>
#include <QList>
#include <QNetworkRequest>
#include <QUrl>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace {

[[noreturn]] void fail(const char *what)
{
    std::fprintf(stderr, "fuzz_urlpolicy: invariant violated: %s\n", what);
    std::abort();
}

bool hasCredentials(const QNetworkRequest &r)
{
    return r.hasRawHeader("Authorization") || r.hasRawHeader("X-API-Key")
        || r.hasRawHeader("X-Secret");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 3)
        return 0;
    static const char *const methods[] = { "GET", "POST", "DELETE", "HEAD" };
    const QByteArray method = methods[data[0] % 4];
    const QByteArray body = (data[0] & 4) ? QByteArrayLiteral("{\"prompt\":\"x\"}") : QByteArray();
    const bool allowInsecure = data[1] & 1;
    const QList<QByteArray> fields
        = QByteArray(reinterpret_cast<const char *>(data + 2), qsizetype(size - 2)).split('\0');

    const QUrl first = QUrl::fromEncoded(fields.at(0));
    QNetworkRequest request(first);
    request.setRawHeader("Authorization", "Bearer K");
    request.setRawHeader("X-API-Key", "K");
    request.setRawHeader("X-Secret", "K");
    request.setRawHeader("Accept", "application/json");
    Net::OriginPolicy policy(request, method, body);
    if (allowInsecure)
        policy.setAllowInsecure(true);

    const bool startOk = Net::OriginPolicy::checkUrl(first).isEmpty();
    if (startOk != policy.startError().isEmpty())
        fail("startError() disagrees with checkUrl()");
    if (!startOk) {
        if (policy.refusal() != Net::OriginPolicy::Refusal::NotHttp)
            fail("a refused first URL without the NotHttp reason");
        if (policy.onAnswer(302, "https://a.example/") != Net::OriginPolicy::Verdict::Refuse)
            fail("a refused first URL went on");
        return 0;
    }
    const bool mayInsecure = allowInsecure || Net::OriginPolicy::isInsecureRemote(first);
    bool bodyOnlyVia307 = true;
    bool refused = false;
    for (qsizetype i = 1; i < fields.size(); ++i) {
        const QByteArray &hop = fields.at(i);
        if (hop.isEmpty())
            continue;
        static const int statuses[] = { 200, 301, 302, 303, 307, 308, 300, 304, 404 };
        const int status = statuses[uchar(hop.at(0)) % 9];
        const QUrl before = policy.url();
        const QByteArray beforeMethod = policy.method();
        const Net::OriginPolicy::Verdict verdict = policy.onAnswer(status, hop.mid(1));
        if (refused && verdict != Net::OriginPolicy::Verdict::Refuse)
            fail("went on after a refusal");
        if (verdict == Net::OriginPolicy::Verdict::Refuse) {
            refused = true;
            if (policy.error().isEmpty() || policy.refusal() == Net::OriginPolicy::Refusal::None)
                fail("a refusal without a message or reason");
            continue;
        }
        if (verdict == Net::OriginPolicy::Verdict::Final) {
            if (policy.url() != before)
                fail("a final answer changed the URL");
            continue;
        }
        const QUrl now = policy.url();
        if (!Net::OriginPolicy::isHttpUrl(now))
            fail("followed to a URL that is not http(s) with a host");
        if (before.scheme().toLower() == QLatin1String("https")
            && now.scheme().toLower() == QLatin1String("http"))
            fail("followed https -> http");
        if (Net::OriginPolicy::isInsecureRemote(now) && !mayInsecure)
            fail("followed to plain http on a remote host");
        if (policy.redirects() > Net::OriginPolicy::MaxRedirects)
            fail("more redirects than the limit");
        if (policy.request().attribute(QNetworkRequest::RedirectPolicyAttribute).toInt()
            != int(QNetworkRequest::ManualRedirectPolicy))
            fail("Qt would follow redirects itself");
        if (status != 307 && status != 308)
            bodyOnlyVia307 = false;
        if (!policy.body().isEmpty()) {
            if (!Net::OriginPolicy::sameOrigin(first, now))
                fail("a body goes to another origin");
            if (!bodyOnlyVia307 || policy.method() != beforeMethod)
                fail("a body survived a hop that is not 307/308");
        }
        if (policy.leftOrigin() && hasCredentials(policy.request()))
            fail("credentials after leaving the origin");
        if (!Net::OriginPolicy::sameOrigin(first, now) && hasCredentials(policy.request()))
            fail("credentials sent to another origin");
        if (!policy.request().hasRawHeader("Accept"))
            fail("a safe header was dropped");
    }
    return 0;
}
