#include "sandbox/router.h"

#include "sandbox/httpcontext.h"

#include <QJsonObject>
#include <QUrl>

namespace Sandbox {

void Router::add(const QByteArray &methods, const QString &pattern, Handler handler)
{
    Route r;
    for (const QByteArray &m : methods.split(','))
        r.methods.append(m.trimmed().toUpper());
    for (const QString &part : pattern.split(QLatin1Char('/'), Qt::SkipEmptyParts)) {
        Segment s;
        if (part.startsWith(QLatin1String("{*"))) {
            s.capture = s.rest = true;
            s.name = part.mid(2, part.indexOf(QLatin1Char('}')) - 2);
        } else if (part.startsWith(QLatin1Char('{'))) {
            const qsizetype close = part.indexOf(QLatin1Char('}'));
            s.capture = true;
            s.name = part.mid(1, close - 1);
            s.suffix = part.mid(close + 1);
        } else {
            s.literal = part;
        }
        r.segments.append(s);
    }
    r.handler = std::move(handler);
    m_routes.append(std::move(r));
}

bool Router::match(const Route &route, const QStringList &parts, QHash<QString, QString> *params)
{
    qsizetype i = 0;
    for (const Segment &s : route.segments) {
        if (s.rest) {
            if (i >= parts.size())
                return false;
            params->insert(s.name, parts.mid(i).join(QLatin1Char('/')));
            return true;
        }
        if (i >= parts.size())
            return false;
        const QString &p = parts.at(i++);
        if (!s.capture) {
            if (p != s.literal)
                return false;
            continue;
        }
        if (!p.endsWith(s.suffix) || p.size() == s.suffix.size())
            return false;
        params->insert(s.name, p.chopped(s.suffix.size()));
    }
    return i == parts.size();
}

bool Router::dispatch(HttpContext &ctx) const
{
    // Path segments are matched decoded, so "%3Acall" and ":call" are the same route.
    QStringList parts;
    for (const QString &raw : ctx.path().split(QLatin1Char('/'), Qt::SkipEmptyParts))
        parts.append(QUrl::fromPercentEncoding(raw.toUtf8()));
    const QByteArray method = ctx.method();
    QList<QByteArray> allowed;
    for (const Route &r : m_routes) {
        QHash<QString, QString> params;
        if (!match(r, parts, &params))
            continue;
        const bool methodOk = r.methods.contains("*") || r.methods.contains(method)
            || (method == "HEAD" && r.methods.contains("GET"));
        if (!methodOk) {
            allowed.append(r.methods);
            continue;
        }
        ctx.setParams(std::move(params));
        r.handler(ctx);
        return true;
    }
    if (!allowed.isEmpty()) {
        QByteArray allow;
        for (const QByteArray &m : allowed) {
            if (!allow.contains(m))
                allow += (allow.isEmpty() ? "" : ", ") + m;
        }
        ctx.reply(HttpResponse::json(405,
            QJsonObject { { QLatin1String("error"),
                QStringLiteral("Method %1 is not allowed here; use %2")
                    .arg(QString::fromLatin1(method), QString::fromLatin1(allow)) } })
                      .header("Allow", allow));
        return true;
    }
    return false;
}

} // namespace Sandbox
