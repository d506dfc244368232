#pragma once

#include <QString>
#include <optional>

namespace Sandbox {

enum class Dialect { PeelApi, ImagePipeline, Peel, Peako, DeApi };

// The sandbox engine's lifecycle. Every dialect names a subset of these phases with its own raw
// state words (see DialectTable::rawState); the engine never enters a phase its job's dialect
// lacks.
enum class Phase { Queued, Pending, Running, NeedsInput, Succeeded, Failed, Cancelled };

// Everything that differs between the five documents as plain data, kept in one place:
// names, path prefixes, raw state words, time scales. docs/dialects.md mirrors this table.
class DialectTable final
{
public:
    static QString name(Dialect d); // "peelapi", "imagepipeline", "peel", "peako", "deapi"
    static std::optional<Dialect> fromName(QStringView name);
    static QString prefix(Dialect d) { return QLatin1Char('/') + name(d); }

    // The raw state word the dialect's document uses for a phase, or an empty string when the
    // dialect has no such state (e.g. PeelAPI has no "cancelled").
    static QString rawState(Dialect d, Phase p);
    static bool hasPhase(Dialect d, Phase p) { return !rawState(d, p).isEmpty(); }
    // The phase a raw word or a normalized name means for a dialect ("active" → Running for Peako,
    // "running" → Running for all); nullopt if it names nothing the dialect has.
    static std::optional<Phase> phaseFromName(Dialect d, QStringView word);

    static QString normalizedName(
        Phase p); // queued, running, needs_input, succeeded, failed, cancelled
    static QString phaseName(Phase p); // queued, pending, running, needs_input, succeeded, ...
    static bool isTerminal(Phase p)
    {
        return p == Phase::Succeeded || p == Phase::Failed || p == Phase::Cancelled;
    }

    // Real-world durations from the documents, before the sandbox's --speed scaling.
    static qint64 retentionMs(Dialect d); // 0 = kept forever (the document says nothing)
    static qint64 resultUrlTtlMs(Dialect d);
};

} // namespace Sandbox
