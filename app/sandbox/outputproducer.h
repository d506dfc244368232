#pragma once

#include "sandbox/job.h"

namespace Sandbox {

// Writes a job's real output files (images, videos, audio) into a folder, and fills in captions.
// Pure function of the job's input: runs on a worker thread with a copy of the job.
class OutputProducer final
{
public:
    struct Result
    {
        QList<OutputFile> outputs;
        QJsonArray captions;
        QString error;
    };

    static Result produce(const Job &job, const QString &folder);
    // A JPEG preview frame of an image job at `progress`, `edge` pixels on its long side.
    static QByteArray preview(const Job &job, double progress, int edge);
    // The seed a job renders with: its "seed" input, or one derived from its id when absent / -1.
    static qint64 seedOf(const Job &job);
    static QString promptOf(const Job &job);
};

} // namespace Sandbox
