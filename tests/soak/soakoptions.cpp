#include "soakoptions.h"

#include <QDateTime>

namespace Soak {

namespace {

bool readInt(const char *name, int lo, int hi, int *value, QString *error)
{
    if (!qEnvironmentVariableIsSet(name))
        return true;
    bool ok = false;
    const int v = qEnvironmentVariable(name).toInt(&ok);
    if (!ok || v < lo || v > hi) {
        *error = QStringLiteral("%1 must be a whole number from %2 to %3")
                     .arg(QLatin1String(name))
                     .arg(lo)
                     .arg(hi);
        return false;
    }
    *value = v;
    return true;
}

} // namespace

bool SoakOptions::fromEnvironment(SoakOptions *o, QString *error)
{
    o->sandboxBin = qEnvironmentVariable("SOAK_SANDBOX_BIN");
    o->workDir = qEnvironmentVariable("SOAK_DIR");
    if (o->sandboxBin.isEmpty() || o->workDir.isEmpty()) {
        *error = QStringLiteral(
            "SOAK_SANDBOX_BIN and SOAK_DIR must be set (tests/soak/run.sh sets them)");
        return false;
    }
    int seed = 0;
    int speedX = int(o->speed);
    if (!readInt("SOAK_JOBS", 5, 100000, &o->jobs, error)
        || !readInt("SOAK_DEADLINE_S", 30, 3600, &o->deadlineS, error)
        || !readInt("SOAK_RESTARTS", 0, 10, &o->restarts, error)
        || !readInt("SOAK_DOWN_MS", 0, 30000, &o->downMs, error)
        || !readInt("SOAK_DROP_MIN_MS", 100, 600000, &o->dropMinMs, error)
        || !readInt("SOAK_DROP_MAX_MS", 100, 600000, &o->dropMaxMs, error)
        || !readInt("SOAK_MIN_DURATION_MS", 0, 600000, &o->minDurationMs, error)
        || !readInt("SOAK_MAX_DURATION_MS", 0, 600000, &o->maxDurationMs, error)
        || !readInt("SOAK_FAIL_PERCENT", 0, 100, &o->failPercent, error)
        || !readInt("SOAK_WORKERS", 1, 100000, &o->workers, error)
        || !readInt("SOAK_SPEED", 1, 1000, &speedX, error)
        || !readInt("SOAK_PROGRESS_HZ", 1, 50, &o->progressHz, error)
        || !readInt("SOAK_SPREAD_MS", 0, 3600000, &o->submitSpreadMs, error)
        || !readInt("SOAK_SEED", 0, 0x7fffffff, &seed, error))
        return false;
    o->speed = speedX;
    if (o->dropMaxMs < o->dropMinMs || o->maxDurationMs < o->minDurationMs) {
        *error = QStringLiteral("each *_MAX_* value must be at least its *_MIN_* value");
        return false;
    }
    const QString kill = qEnvironmentVariable("SOAK_KILL", QStringLiteral("kill"));
    if (kill != QLatin1String("kill") && kill != QLatin1String("term")) {
        *error = QStringLiteral("SOAK_KILL must be kill or term");
        return false;
    }
    o->hardKill = kill == QLatin1String("kill");
    o->seed = seed ? quint32(seed) : quint32(QDateTime::currentMSecsSinceEpoch() & 0x7fffffff);
    return true;
}

} // namespace Soak
