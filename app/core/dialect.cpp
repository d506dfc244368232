#include "core/dialect.h"

namespace Core {

QString dialectName(Dialect d)
{
    switch (d) {
    case Dialect::PeelApi:
        return QStringLiteral("peelapi");
    case Dialect::ImagePipeline:
        return QStringLiteral("imagepipeline");
    case Dialect::Peel:
        return QStringLiteral("peel");
    case Dialect::Peako:
        return QStringLiteral("peako");
    case Dialect::DeApi:
        return QStringLiteral("deapi");
    }
    return {};
}

std::optional<Dialect> dialectFromName(QStringView name)
{
    for (Dialect d : { Dialect::PeelApi, Dialect::ImagePipeline, Dialect::Peel, Dialect::Peako,
             Dialect::DeApi }) {
        if (name.compare(dialectName(d), Qt::CaseInsensitive) == 0)
            return d;
    }
    return std::nullopt;
}

QStringList dialectNames()
{
    return { QStringLiteral("peelapi"), QStringLiteral("imagepipeline"), QStringLiteral("peel"),
        QStringLiteral("peako"), QStringLiteral("deapi") };
}

} // namespace Core
