#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>
#include <functional>

namespace Sandbox {

class HttpContext;

// Maps (method, path) to handlers. Patterns are '/'-separated segments: a literal, "{name}",
// "{name}suffix" (e.g. "{endpoint}:call"), or a final "{*name}" that takes the rest of the path.
// Routes are tried in the order they were added; the first whose path and method match wins.
// A path that matches only with other methods gives 405 with an Allow header.
class Router final
{
public:
    using Handler = std::function<void(HttpContext &)>;

    void add(
        const QByteArray &methods, const QString &pattern, Handler handler); // "GET,HEAD" or "*"
    // Returns false when nothing matched the path (the caller answers 404); answers 405 itself.
    bool dispatch(HttpContext &ctx) const;

private:
    struct Segment
    {
        QString literal;
        QString name;
        QString suffix;
        bool capture = false;
        bool rest = false;
    };
    struct Route
    {
        QList<QByteArray> methods;
        QList<Segment> segments;
        Handler handler;
    };
    static bool match(
        const Route &route, const QStringList &parts, QHash<QString, QString> *params);

    QList<Route> m_routes;
};

} // namespace Sandbox
