// libFuzzer target for the dialect adapters (app/dialects/adapter.h).
// Input: byte 0 picks the dialect (b % 5) and the parse function ((b / 5) % 7); the rest is the
// body. Functions that take an HTTP status are called with 200, 404 and 500.
// Invariants: no crash / sanitizer report; progress, when set, is finite and within 0..1 (the
// adapter contract says it is clamped); a submit that reports no error has a job id.
#include "core/dialect.h"
#include "core/profile.h"
#include "dialects/adapter.h"

#include <QByteArray>
#include <QString>
#include <QUrl>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>

namespace {

constexpr int DialectCount = 5;
constexpr int FunctionCount = 7;
constexpr std::array<int, 3> Statuses { 200, 404, 500 };

std::array<std::unique_ptr<Dialects::Adapter>, DialectCount> g_adapters;

[[noreturn]] void fail(const char *what, int dialect, int function)
{
    std::fprintf(stderr, "fuzz_dialects: invariant violated: %s (dialect %d, function %d)\n", what,
        dialect, function);
    std::abort();
}

struct Check
{
    int dialect;
    int function;
    void update(const Core::JobUpdate &u) const
    {
        if (u.progress) {
            const double p = *u.progress;
            if (!std::isfinite(p) || p < 0.0 || p > 1.0)
                fail("progress outside 0..1", dialect, function);
        }
        (void)u.isEmpty();
        (void)u.error.isError();
    }
};

Core::Profile profileFor(Core::Dialect d)
{
    Core::Profile p;
    p.name = QStringLiteral("fuzz");
    p.dialect = d;
    p.baseUrl = QUrl(QStringLiteral("https://api.example.test/base"));
    p.apiKey = QStringLiteral("dummy-key");
    p.clientId = QStringLiteral("42");
    p.pusherKey = QStringLiteral("pk");
    p.wsUrl = QUrl(QStringLiteral("wss://ws.example.test"));
    p.authUrl = QUrl(QStringLiteral("https://api.example.test/broadcasting/auth"));
    return p;
}

// A task each dialect knows (used for JobRef::task and parseSubmit).
QString taskFor(Core::Dialect d)
{
    switch (d) {
    case Core::Dialect::PeelApi:
        return QStringLiteral("v1/portrait");
    case Core::Dialect::ImagePipeline:
        return QStringLiteral("generate/image/v1");
    case Core::Dialect::Peel:
        return QStringLiteral("v1/apis");
    case Core::Dialect::Peako:
        return QStringLiteral("api/render");
    case Core::Dialect::DeApi:
        return QStringLiteral("api/v1/client/txt2img");
    }
    return {};
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    // The adapters are pure and need no QCoreApplication.
    const Core::Dialect all[DialectCount] = { Core::Dialect::PeelApi, Core::Dialect::ImagePipeline,
        Core::Dialect::Peel, Core::Dialect::Peako, Core::Dialect::DeApi };
    for (int i = 0; i < DialectCount; ++i) {
        g_adapters[i] = Dialects::Adapter::create(profileFor(all[i]));
        if (!g_adapters[i] || g_adapters[i]->dialect() != all[i]) {
            std::fprintf(stderr, "fuzz_dialects: Adapter::create failed for dialect %d\n", i);
            std::abort();
        }
    }
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const int dialect = data[0] % DialectCount;
    const int function = (data[0] / DialectCount) % FunctionCount;
    const QByteArray body(reinterpret_cast<const char *>(data + 1), qsizetype(size - 1));
    const Dialects::Adapter &a = *g_adapters[dialect];
    const Check check { dialect, function };
    const Dialects::JobRef job { QStringLiteral("job-1"), taskFor(a.dialect()) };

    switch (function) {
    case 0: // parseStatus
        for (int st : Statuses)
            check.update(a.parseStatus(job, st, body));
        break;
    case 1: // parseSubmit
        for (int st : Statuses) {
            const Dialects::SubmitResult r = a.parseSubmit(job.task, st, body);
            check.update(r.update);
            if (r.jobId.isEmpty() && !r.error.isError())
                fail("submit without a job id and without an error", dialect, function);
        }
        break;
    case 2: { // parseSseEvent: the body as data under each PeelAPI event type, and split as
              // type\ndata
        static const char *const types[] = { "status", "log", "result", "end", "message" };
        for (const char *t : types)
            check.update(a.parseSseEvent(job.id, QByteArray(t), body, QByteArrayLiteral("1")));
        const qsizetype nl = body.indexOf('\n');
        if (nl >= 0)
            check.update(a.parseSseEvent(job.id, body.left(nl), body.mid(nl + 1), body.left(nl)));
        break;
    }
    case 3: { // parsePusherEvent
        check.update(a.parsePusherEvent(QStringLiteral("request.status.updated"), body));
        const qsizetype nl = body.indexOf('\n');
        if (nl >= 0)
            check.update(a.parsePusherEvent(QString::fromUtf8(body.left(nl)), body.mid(nl + 1)));
        break;
    }
    case 4: // parseWebhook
        check.update(a.parseWebhook(body));
        break;
    case 5: // parseList
        for (int st : Statuses) {
            const Dialects::ListResult r = a.parseList(st, body);
            for (const Core::JobUpdate &u : r.jobs)
                check.update(u);
        }
        break;
    case 6: // errorFrom, with statuses and with a network error (no answer)
        for (int st : Statuses)
            (void)a.errorFrom(st, 0, body);
        (void)a.errorFrom(401, 0, body);
        (void)a.errorFrom(422, 0, body);
        (void)a.errorFrom(0, 1, body, QStringLiteral("connection refused"));
        break;
    }
    return 0;
}
