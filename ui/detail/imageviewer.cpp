#include "detail/imageviewer.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPixmap>
#include <QResizeEvent>
#include <QScrollArea>
#include <QScrollBar>
#include <QToolButton>
#include <QVBoxLayout>
#include <QWheelEvent>
#include <algorithm>

namespace Ui {

namespace {
constexpr double kStep = 1.25;
constexpr double kMin = 0.05;
constexpr double kMax = 8.0;
} // namespace

ImageViewer::ImageViewer(QWidget *parent)
    : QWidget(parent)
    , m_tools(new QWidget(this))
    , m_zoomLabel(new QToolButton(m_tools))
    , m_scroll(new QScrollArea(this))
    , m_label(new QLabel)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    auto *tools = new QHBoxLayout(m_tools);
    tools->setContentsMargins(0, 0, 0, 0);
    auto button = [&](const QString &text, const QString &tip, void (ImageViewer::*slot)()) {
        auto *b = new QToolButton(m_tools);
        b->setText(text);
        b->setToolTip(tip);
        b->setAutoRaise(true);
        connect(b, &QToolButton::clicked, this, slot);
        tools->addWidget(b);
        return b;
    };
    button(tr("Fit"), tr("Scale the image to the space available"), &ImageViewer::fit)
        ->setObjectName(QStringLiteral("fit"));
    button(tr("100%"), tr("Show the image at its actual size"), &ImageViewer::actualSize)
        ->setObjectName(QStringLiteral("actual"));
    button(QStringLiteral("−"), tr("Zoom out"), &ImageViewer::zoomOut)
        ->setObjectName(QStringLiteral("zoomOut"));
    button(QStringLiteral("+"), tr("Zoom in"), &ImageViewer::zoomIn)
        ->setObjectName(QStringLiteral("zoomIn"));
    m_zoomLabel->setAutoRaise(true);
    m_zoomLabel->setEnabled(false);
    tools->addWidget(m_zoomLabel);
    tools->addStretch(1);
    layout->addWidget(m_tools);

    m_label->setAlignment(Qt::AlignCenter);
    m_label->setBackgroundRole(QPalette::Base);
    m_scroll->setWidget(m_label);
    m_scroll->setAlignment(Qt::AlignCenter);
    m_scroll->setWidgetResizable(false);
    m_scroll->viewport()->installEventFilter(this);
    layout->addWidget(m_scroll, 1);
    render();
}

void ImageViewer::setImage(const QImage &image)
{
    m_image = image;
    render();
}

void ImageViewer::setPlaceholder(const QString &text)
{
    m_placeholder = text;
    render();
}

void ImageViewer::setToolsVisible(bool on)
{
    m_tools->setVisible(on);
}

double ImageViewer::zoom() const
{
    if (!m_fit || m_image.isNull())
        return m_zoom;
    const QSize area = m_scroll->viewport()->size() - QSize(4, 4);
    const double z = std::min(
        double(area.width()) / m_image.width(), double(area.height()) / m_image.height());
    return std::clamp(z, kMin, kMax);
}

void ImageViewer::fit()
{
    m_fit = true;
    render();
}

void ImageViewer::actualSize()
{
    m_fit = false;
    setZoom(1.0);
}

void ImageViewer::zoomIn()
{
    setZoom(zoom() * kStep);
}

void ImageViewer::zoomOut()
{
    setZoom(zoom() / kStep);
}

void ImageViewer::setZoom(double z)
{
    m_fit = false;
    m_zoom = std::clamp(z, kMin, kMax);
    render();
}

void ImageViewer::render()
{
    if (m_image.isNull()) {
        m_label->setPixmap({});
        m_label->setText(m_placeholder);
        m_label->resize(m_scroll->viewport()->size());
        m_zoomLabel->setText({});
        return;
    }
    const double z = zoom();
    const QSize size = (QSizeF(m_image.size()) * z).toSize().expandedTo(QSize(1, 1));
    // Smooth scaling when shrinking; exact pixels when enlarging, so 800 % shows real pixels.
    const Qt::TransformationMode mode = z < 1.0 ? Qt::SmoothTransformation : Qt::FastTransformation;
    m_label->setPixmap(
        QPixmap::fromImage(z == 1.0 ? m_image : m_image.scaled(size, Qt::KeepAspectRatio, mode)));
    m_label->resize(size.expandedTo(m_fit ? m_scroll->viewport()->size() : size));
    m_zoomLabel->setText(QStringLiteral("%1 %").arg(qRound(z * 100)));
}

void ImageViewer::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    if (m_fit || m_image.isNull())
        render();
}

bool ImageViewer::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_scroll->viewport() && event->type() == QEvent::Wheel) {
        auto *wheel = static_cast<QWheelEvent *>(event);
        if (wheel->modifiers() & Qt::ControlModifier) {
            if (wheel->angleDelta().y() > 0)
                zoomIn();
            else if (wheel->angleDelta().y() < 0)
                zoomOut();
            return true;
        }
    }
    if (watched == m_scroll->viewport() && event->type() == QEvent::Resize
        && (m_fit || m_image.isNull()))
        render();
    return QWidget::eventFilter(watched, event);
}

} // namespace Ui
