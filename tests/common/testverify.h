#pragma once

// Test-only checking helpers shared by the sandbox tests.

#include "testhttp.h"

#include <QJsonObject>
#include <QStringList>
#include <QTest>

// Runs a checking helper (a void function using QCOMPARE/QVERIFY) and stops the calling test when
// the helper failed: VERIFY_HELPER(verifyError(r, 404)).
#define VERIFY_HELPER(call)                                                                        \
    do {                                                                                           \
        call;                                                                                      \
        if (QTest::currentTestFailed())                                                            \
            return;                                                                                \
    } while (false)

namespace TestSupport {

// An answer with `status` whose JSON body is exactly {"error": a non-empty string}.
inline void verifyErrorAnswer(const HttpResult &r, int status)
{
    QCOMPARE(r.status, status);
    const QJsonObject o = r.json();
    QCOMPARE(o.keys(), QStringList { QStringLiteral("error") });
    QVERIFY(o.value(QLatin1String("error")).isString());
    QVERIFY(!o.value(QLatin1String("error")).toString().isEmpty());
}

} // namespace TestSupport
