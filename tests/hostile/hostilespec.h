#pragma once

// Small builders for jobscope-hostile-server specs (hostileserver.h, hostileconnection.h) and the
// four downloadable dialects' routes as docs/dialects.md gives them.

#include <QJsonArray>
#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace Hostile {

class HostileSpec final
{
public:
    static QLatin1String k(const char *s) { return QLatin1String(s); }

    static QJsonObject route(const QString &method, const QString &path, const QJsonObject &respond,
        int times = -1, bool exact = false)
    {
        QJsonObject r { { k("path"), path }, { k("respond"), respond } };
        if (!method.isEmpty())
            r.insert(k("method"), method);
        if (times >= 0)
            r.insert(k("times"), times);
        if (exact)
            r.insert(k("exact"), true);
        return r;
    }
    static QJsonObject spec(const QJsonArray &routes, const QJsonArray &otherRoutes = {})
    {
        return QJsonObject { { k("routes"), routes }, { k("other_routes"), otherRoutes } };
    }

    static QStringList dialects()
    {
        return { QStringLiteral("peelapi"), QStringLiteral("imagepipeline"),
            QStringLiteral("peako"), QStringLiteral("deapi") };
    }
    // The submit path (TASK) the CLI is given.
    static QString task(const QString &dialect)
    {
        if (dialect == k("imagepipeline"))
            return QStringLiteral("generate/image/v1");
        if (dialect == k("peako"))
            return QStringLiteral("api/render");
        if (dialect == k("deapi"))
            return QStringLiteral("api/v1/client/txt2img");
        return QStringLiteral("v1/portrait");
    }
    // The prefix of the status route; the job id follows it.
    static QString statusPrefix(const QString &dialect)
    {
        if (dialect == k("imagepipeline"))
            return QStringLiteral("/generate/image/v1/status/");
        if (dialect == k("peako"))
            return QStringLiteral("/api/jobs/");
        if (dialect == k("deapi"))
            return QStringLiteral("/api/v1/client/request-status/");
        return QStringLiteral("/v1/jobs/");
    }
    static QString doneWord(const QString &dialect)
    {
        return dialect == k("imagepipeline") ? QStringLiteral("completed")
            : dialect == k("peelapi")        ? QStringLiteral("succeeded")
                                             : QStringLiteral("done");
    }
    static QString runningWord(const QString &dialect)
    {
        return dialect == k("peako") ? QStringLiteral("active") : QStringLiteral("processing");
    }
    static QString failedWord(const QString &dialect)
    {
        return dialect == k("deapi") ? QStringLiteral("error") : QStringLiteral("failed");
    }

    // Connection options for the CLI: the key is in $HOSTILE_KEY.
    static QStringList connection(const QString &dialect, const QString &base)
    {
        return { QStringLiteral("--dialect"), dialect, QStringLiteral("--base-url"), base,
            QStringLiteral("--api-key-env"), QStringLiteral("HOSTILE_KEY") };
    }
    // ImagePipeline finds a job's status route through its task.
    static QStringList taskOption(const QString &dialect)
    {
        return dialect == k("imagepipeline")
            ? QStringList { QStringLiteral("--task"), task(dialect) }
            : QStringList();
    }

    static QJsonObject submit(const QString &dialect, const QString &id)
    {
        return QJsonObject { { k("kind"), QStringLiteral("submit") }, { k("dialect"), dialect },
            { k("id"), id } };
    }
    // The dialect's status document; `id` empty: the job id is read from the request path
    // (the segment after the route's prefix).
    static QJsonObject status(const QString &dialect, const QString &state,
        const QJsonArray &outputs = {}, const QString &error = {}, const QString &id = {})
    {
        QJsonObject o { { k("kind"), QStringLiteral("status") }, { k("dialect"), dialect },
            { k("state"), state } };
        if (!outputs.isEmpty())
            o.insert(k("outputs"), outputs);
        if (!error.isEmpty())
            o.insert(k("error"), error);
        if (!id.isEmpty())
            o.insert(k("id"), id);
        return o;
    }
    static QJsonObject json(int status, const QJsonValue &body)
    {
        return QJsonObject { { k("kind"), QStringLiteral("json") }, { k("status"), status },
            { k("body"), body } };
    }
    static QJsonObject redirect(int status, const QString &location)
    {
        return QJsonObject { { k("kind"), QStringLiteral("redirect") }, { k("status"), status },
            { k("location"), location } };
    }
    static QJsonObject file(qint64 size, qint64 rate = 0)
    {
        return QJsonObject { { k("kind"), QStringLiteral("file") }, { k("size"), double(size) },
            { k("rate"), double(rate) } };
    }
    static QJsonObject sse(const QJsonArray &events, const QString &then = QStringLiteral("close"),
        int intervalMs = 500)
    {
        return QJsonObject { { k("kind"), QStringLiteral("sse") }, { k("events"), events },
            { k("then"), then }, { k("interval_ms"), intervalMs } };
    }
    static QJsonObject sseEvent(int id, const QString &event, const QJsonValue &data)
    {
        return QJsonObject { { k("id"), id }, { k("event"), event }, { k("data"), data } };
    }
    static QJsonArray concat(QJsonArray a, const QJsonArray &b)
    {
        for (const QJsonValue &v : b)
            a.append(v);
        return a;
    }
    // PeelAPI's stream of a job that succeeded: last status, then end (event ids from `firstId`).
    static QJsonArray peelApiSuccessEvents(int firstId = 1)
    {
        return { sseEvent(firstId, QStringLiteral("status"),
                     QJsonObject { { k("status"), QStringLiteral("succeeded") },
                         { k("progress"), 1.0 }, { k("output"), QJsonValue::Null } }),
            sseEvent(firstId + 1, QStringLiteral("end"), QStringLiteral("succeeded")) };
    }
};

} // namespace Hostile
