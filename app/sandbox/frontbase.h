#pragma once

#include "sandbox/job.h"
#include "sandbox/joblistener.h"
#include "sandbox/servicecontext.h"

#include <QJsonObject>
#include <QString>

namespace Catalog {
struct TaskInfo;
}

namespace Sandbox {

class HttpContext;
class Router;

// What the five dialect front ends share: key checks, submit-body parsing and validation against
// the task catalog (the "sandbox" control object is taken out of the body here), result URLs and
// time formatting. Each subclass registers its document's routes and renders its own shapes.
class FrontBase : public JobListener
{
public:
    FrontBase(Dialect dialect, ServiceContext &context);
    ~FrontBase() override = default;

    virtual void registerRoutes(Router &router) = 0;
    Dialect dialect() const { return m_dialect; }
    QString prefix() const { return DialectTable::prefix(m_dialect); }

protected:
    enum class KeyScheme { Bearer, XApiKey };
    // True when the request carries the account's key; constant-time comparison.
    bool hasValidKey(const HttpContext &ctx, KeyScheme scheme) const;

    struct Submission
    {
        QJsonObject input; // the body without "sandbox", with the schema's defaults filled in
        JobControl control;
        QString callbackUrl;
    };
    // Parses and validates a submit body for `task`. On failure returns false with `error` set to
    // a sentence naming every problem (field: message; ...).
    bool parseSubmission(const HttpContext &ctx, const Catalog::TaskInfo &task,
        const char *callbackField, Submission *out, QString *error) const;

    QString resultUrl(const Job &job, const OutputFile &file) const;
    static QString isoTime(qint64 ms);
    Job *ownJob(const QString &id) const; // a job of this dialect, or nullptr

    Dialect m_dialect;
    ServiceContext &m_ctx;
};

} // namespace Sandbox
