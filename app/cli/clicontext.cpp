#include "cli/clicontext.h"

#include "cli/clioutput.h"
#include "follow/followcontext.h"
#include "session/jobsession.h"

#include <QFile>
#include <QJsonDocument>

namespace Cli {

void CliContext::fail(int code, const QString &sentence) const
{
    out->note(sentence);
    done(code);
}

Dialects::Adapter *CliContext::adapter() const
{
    return session->context()->adapter(profile);
}

const Tracker::TrackedJob *CliContext::job(const QString &key) const
{
    return session->tracker()->job(key);
}

QString CliContext::openNamedJob(const QString &task) const
{
    if (recorded)
        return session->open(*recorded);
    return session->openUnrecorded(profile, options->args.value(0), task, idTaken);
}

QString CliContext::unreachable(const QString &why) const
{
    const auto p = session->profile(profile);
    return QStringLiteral("Could not reach %1: %2.").arg(p ? p->baseUrl.host() : QString(), why);
}

std::optional<QJsonObject> CliContext::readInput() const
{
    if (options->input.isEmpty())
        return QJsonObject();
    QFile f;
    bool opened = false;
    if (options->input == QLatin1String("-")) {
        opened = f.open(stdin, QIODevice::ReadOnly);
    } else {
        f.setFileName(options->input);
        opened = f.open(QIODevice::ReadOnly);
    }
    if (!opened) {
        fail(2, QStringLiteral("Cannot read --input %1: %2.").arg(options->input, f.errorString()));
        return std::nullopt;
    }
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(f.read(64LL * 1024 * 1024), &pe);
    if (!doc.isObject()) {
        fail(2,
            pe.error != QJsonParseError::NoError
                ? QStringLiteral("--input is not valid JSON: %1 at offset %2.")
                      .arg(pe.errorString())
                      .arg(pe.offset)
                : QStringLiteral(
                    "--input must be a JSON object (the exact body the service expects)."));
        return std::nullopt;
    }
    return doc.object();
}

} // namespace Cli
