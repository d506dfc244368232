#pragma once

// Test-only: submits one job of a dialect to a TestSandbox through its REST front, held in
// `queued` with a long running time, and returns the job id (empty when refused).

#include "testhttp.h"

namespace TestSupport {

inline QString submitHeld(const TestSandbox &sb, TestHttp &http, const QString &dialect,
    const QJsonObject &extraSandbox = {})
{
    auto k = [](const char *s) {
        return QLatin1String(s);
    };
    QJsonObject sandbox { { k("hold"), QStringLiteral("queued") }, { k("duration_ms"), 120000 } };
    for (auto it = extraSandbox.begin(); it != extraSandbox.end(); ++it)
        sandbox.insert(it.key(), it.value());
    const QByteArray d = dialect.toLatin1();
    const QString base = sb.base(d.constData());
    if (dialect == u"peelapi") {
        const HttpResult r = http.post(base + QStringLiteral("/v1/portrait"),
            { { k("prompt"), QStringLiteral("fox") }, { k("sandbox"), sandbox } },
            sb.bearer("peelapi"));
        return r.json().value(k("data")).toObject().value(k("id")).toString();
    }
    if (dialect == u"imagepipeline") {
        const HttpResult r = http.post(base + QStringLiteral("/generate/image/v1"),
            { { k("prompt"), QStringLiteral("a lighthouse") }, { k("sandbox"), sandbox } },
            sb.apiKey("imagepipeline"));
        return r.json().value(k("job_id")).toString();
    }
    if (dialect == u"peel") {
        static int site = 0;
        const HttpResult r = http.post(base + QStringLiteral("/v1/apis"),
            { { k("url"), QStringLiteral("https://news.example.com/qa/%1").arg(++site) },
                { k("instructions"), QStringLiteral("Get top stories with title and score") },
                { k("sandbox"), sandbox } },
            sb.apiKey("peel"));
        return r.json().value(k("id")).toString();
    }
    if (dialect == u"peako") {
        const HttpResult r = http.post(base + QStringLiteral("/api/render"),
            { { k("template"), QStringLiteral("promo") }, { k("title"), QStringLiteral("Launch") },
                { k("width"), 96 }, { k("height"), 64 }, { k("fps"), 2 }, { k("duration_s"), 1 },
                { k("sandbox"), sandbox } },
            sb.apiKey("peako"));
        return r.json().value(k("jobId")).toString();
    }
    const HttpResult r = http.post(base + QStringLiteral("/api/v1/client/txt2img"),
        { { k("prompt"), QStringLiteral("a sunset") },
            { k("model"), QStringLiteral("Flux1schnell") }, { k("width"), 64 }, { k("height"), 64 },
            { k("guidance"), 3.5 }, { k("steps"), 4 }, { k("seed"), -1 },
            { k("sandbox"), sandbox } },
        sb.bearer("deapi"));
    return r.json().value(k("data")).toObject().value(k("request_id")).toString();
}

} // namespace TestSupport
