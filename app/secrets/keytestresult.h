#pragma once

#include <QString>

namespace Secrets {

// What "test this key" found out (see KeyTester).
struct KeyTestResult
{
    enum class Verdict {
        Accepted, // the service answered the authenticated request as for a valid key
        Refused, // 401 / 403
        Unknown, // no answer, or an answer that says nothing about the key
    };
    Verdict verdict = Verdict::Unknown;
    int httpStatus = 0; // 0: no HTTP answer (or no request sent)
    QString message; // one plain sentence for the user; never contains the key

    static QString verdictName(Verdict v)
    {
        switch (v) {
        case Verdict::Accepted:
            return QStringLiteral("accepted");
        case Verdict::Refused:
            return QStringLiteral("refused");
        case Verdict::Unknown:
            break;
        }
        return QStringLiteral("unknown");
    }
};

} // namespace Secrets
