#include "peel/peelcallconsole.h"

#include "peelbuilds/buildcontract.h"

#include <QComboBox>
#include <QFontDatabase>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QJsonDocument>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSplitter>
#include <QVBoxLayout>

namespace Ui {

namespace {

QString pretty(const QJsonObject &o)
{
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Indented)).trimmed();
}

} // namespace

PeelCallConsole::PeelCallConsole(QWidget *parent)
    : QWidget(parent)
    , m_endpoint(new QComboBox(this))
    , m_description(new QLabel(this))
    , m_input(new QPlainTextEdit(this))
    , m_reset(new QPushButton(tr("Reset input"), this))
    , m_call(new QPushButton(tr("Call"), this))
    , m_status(new QLabel(this))
    , m_result(new QPlainTextEdit(this))
{
    m_endpoint->setObjectName(QStringLiteral("callEndpoint"));
    m_input->setObjectName(QStringLiteral("callInput"));
    m_call->setObjectName(QStringLiteral("callButton"));
    m_status->setObjectName(QStringLiteral("callStatus"));
    m_result->setObjectName(QStringLiteral("callResult"));

    const QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    m_input->setFont(mono);
    m_input->setTabChangesFocus(true);
    m_input->setPlaceholderText(tr("Input as a JSON object"));
    m_result->setFont(mono);
    m_result->setReadOnly(true);
    m_result->setPlaceholderText(tr("The runtime envelope appears here"));
    m_description->setWordWrap(true);
    m_description->setForegroundRole(QPalette::PlaceholderText);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_call->setDefault(true);
    m_endpoint->setSizeAdjustPolicy(QComboBox::AdjustToContents);

    auto *top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Endpoint"), this));
    top->addWidget(m_endpoint);
    top->addWidget(m_description, 1);

    auto *left = new QWidget(this);
    auto *leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(new QLabel(tr("Input"), left));
    leftLayout->addWidget(m_input, 1);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_reset);
    buttons->addStretch(1);
    buttons->addWidget(m_call);
    leftLayout->addLayout(buttons);

    auto *right = new QWidget(this);
    auto *rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    rightLayout->addWidget(m_status);
    rightLayout->addWidget(m_result, 1);
    m_status->setText(tr("Response"));

    auto *split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(left);
    split->addWidget(right);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 3);
    split->setChildrenCollapsible(false);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(split, 1);

    connect(m_endpoint, &QComboBox::currentIndexChanged, this, &PeelCallConsole::endpointChosen);
    connect(m_reset, &QPushButton::clicked, this, &PeelCallConsole::resetInput);
    connect(m_call, &QPushButton::clicked, this, &PeelCallConsole::requestCall);
    setBusy(false);
}

void PeelCallConsole::setEndpoints(const QList<PeelBuilds::BuildEndpoint> &endpoints)
{
    const QString keep = currentEndpoint();
    const QString keptInput = m_input->toPlainText();
    bool same = endpoints.size() == m_endpoints.size();
    for (qsizetype i = 0; same && i < endpoints.size(); ++i)
        same = endpoints.at(i).name == m_endpoints.at(i).name
            && endpoints.at(i).inputSchema == m_endpoints.at(i).inputSchema;
    m_endpoints = endpoints;
    {
        const QSignalBlocker block(m_endpoint);
        m_endpoint->clear();
        for (const PeelBuilds::BuildEndpoint &e : endpoints)
            m_endpoint->addItem(e.name, e.name);
    }
    const int at = m_endpoint->findData(keep);
    m_endpoint->setCurrentIndex(at >= 0 ? at : (endpoints.isEmpty() ? -1 : 0));
    endpointChosen();
    // The same contract again (a status refresh): what the user typed stays.
    if (same && at >= 0)
        m_input->setPlainText(keptInput);
    setBusy(m_busy);
}

QString PeelCallConsole::currentEndpoint() const
{
    return m_endpoint->currentData().toString();
}

void PeelCallConsole::setCurrentEndpoint(const QString &name)
{
    const int at = m_endpoint->findData(name);
    if (at >= 0)
        m_endpoint->setCurrentIndex(at);
}

void PeelCallConsole::setInputText(const QString &json)
{
    m_input->setPlainText(json);
}

QString PeelCallConsole::inputText() const
{
    return m_input->toPlainText();
}

void PeelCallConsole::endpointChosen()
{
    const int i = m_endpoint->currentIndex();
    if (i < 0 || i >= m_endpoints.size()) {
        m_description->clear();
        m_input->clear();
        return;
    }
    const PeelBuilds::BuildEndpoint &e = m_endpoints.at(i);
    QString about = e.description;
    if (e.creditCost >= 0)
        about += (about.isEmpty() ? QString() : QStringLiteral(" · "))
            + (e.creditCost == 1 ? tr("1 credit a call")
                                 : tr("%1 credits a call").arg(e.creditCost));
    m_description->setText(about);
    m_description->setToolTip(tr("POST %1").arg(e.callPath));
    resetInput();
}

void PeelCallConsole::resetInput()
{
    const int i = m_endpoint->currentIndex();
    if (i < 0 || i >= m_endpoints.size())
        return;
    m_input->setPlainText(
        pretty(PeelBuilds::BuildContract::exampleInput(m_endpoints.at(i).inputSchema)));
}

void PeelCallConsole::setBusy(bool busy)
{
    m_busy = busy;
    m_call->setEnabled(!busy && m_endpoint->currentIndex() >= 0);
    m_call->setText(busy ? tr("Calling…") : tr("Call"));
}

void PeelCallConsole::requestCall()
{
    const QString name = currentEndpoint();
    if (name.isEmpty())
        return;
    QJsonParseError error {};
    const QString text = m_input->toPlainText().trimmed();
    const QJsonDocument doc
        = QJsonDocument::fromJson(text.isEmpty() ? QByteArrayLiteral("{}") : text.toUtf8(), &error);
    if (!doc.isObject()) {
        // Refused here: the service would only answer 400 for the same reason.
        m_status->setText(doc.isNull()
                ? tr("The input is not JSON: %1 (at %2)").arg(error.errorString()).arg(error.offset)
                : tr("The input must be a JSON object"));
        return;
    }
    Q_EMIT callRequested(name, doc.object());
}

void PeelCallConsole::showResult(const PeelBuilds::BuildResult &result, const QString &redactedBody,
    const QString &redactedError)
{
    QStringList parts;
    if (result.httpStatus > 0)
        parts.append(tr("HTTP %1").arg(result.httpStatus));
    const QJsonObject envelope = result.json.object();
    if (envelope.value(QLatin1String("status")).isString())
        parts.append(envelope.value(QLatin1String("status")).toString());
    if (!envelope.value(QLatin1String("error_code")).toString().isEmpty())
        parts.append(envelope.value(QLatin1String("error_code")).toString());
    parts.append(tr("%1 ms round trip").arg(result.elapsedMs));
    if (envelope.value(QLatin1String("execution_time")).isDouble())
        parts.append(
            tr("execution %1 ms")
                .arg(envelope.value(QLatin1String("execution_time")).toDouble(), 0, 'g', 3));
    QString status = result.detail + QStringLiteral(" — ") + parts.join(QStringLiteral(" · "));
    if (result.error.isError() && !redactedError.isEmpty())
        status += QStringLiteral("\n") + redactedError;
    m_status->setText(status);
    m_status->setWordWrap(true);
    m_result->setPlainText(redactedBody);
}

QString PeelCallConsole::resultText() const
{
    return m_result->toPlainText();
}

} // namespace Ui
