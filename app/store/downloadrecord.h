#pragma once

#include <QString>

namespace Store {

// One output's download as the history keeps it, so an interrupted one is picked up again by
// the next process: the folder it goes to (the .part and .part.meta lie there), then the final
// path, size and SHA-256 once done, or the reason it failed.
struct DownloadRecord
{
    enum class State { Pending, Running, Done, Failed };
    QString jobId;
    QString outputKey; // "<index>/<variant>/<name>" (see keyFor())
    QString folder;
    QString path;
    State state = State::Pending;
    qint64 bytes = 0;
    qint64 total = -1;
    QString sha256;
    QString error;
    qint64 updatedMs = 0;

    static QString stateName(State s)
    {
        switch (s) {
        case State::Pending:
            return QStringLiteral("pending");
        case State::Running:
            return QStringLiteral("running");
        case State::Done:
            return QStringLiteral("done");
        case State::Failed:
            return QStringLiteral("failed");
        }
        return QStringLiteral("pending");
    }
    static State stateFromName(const QString &name)
    {
        if (name == QLatin1String("running"))
            return State::Running;
        if (name == QLatin1String("done"))
            return State::Done;
        if (name == QLatin1String("failed"))
            return State::Failed;
        return State::Pending;
    }
    static QString keyFor(int index, const QString &variant, const QString &name)
    {
        return QString::number(index) + QLatin1Char('/') + variant + QLatin1Char('/') + name;
    }
};

} // namespace Store
