#pragma once

#include "follow/via.h"

#include <QJsonObject>
#include <QMetaType>
#include <QString>

namespace Ui {

// What the Submit dialog asks for: submit `input` to `task` (the catalog's path, e.g.
// "api/v1/client/txt2img") of the profile named `profile`, `count` times (a batch, 1–500), and
// follow each job over `via`. A value: the dialog keeps no reference to it.
struct SubmitRequest
{
    QString profile;
    QString task;
    QJsonObject input;
    int count = 1;
    Follow::Via via = Follow::Via::Auto;
};

} // namespace Ui

Q_DECLARE_METATYPE(Ui::SubmitRequest)
