#pragma once

#include <QString>
#include <QStringList>
#include <optional>

namespace Core {

// The five API dialects Jobscope speaks (see docs/dialects.md).
enum class Dialect { PeelApi, ImagePipeline, Peel, Peako, DeApi };

QString dialectName(Dialect d); // "peelapi", "imagepipeline", "peel", "peako", "deapi"
std::optional<Dialect> dialectFromName(QStringView name);
QStringList dialectNames();

} // namespace Core
