#pragma once

#include <QImage>
#include <QWidget>

class QLabel;
class QScrollArea;
class QToolButton;

namespace Ui {

// An image in a scroll area with zoom: Fit (scaled to the area, the default), 100 %, + and −
// (steps of 1.25×, from 5 % to 800 %). Ctrl+wheel zooms too. Used for results and live previews.
class ImageViewer final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ImageViewer)

public:
    explicit ImageViewer(QWidget *parent = nullptr);

    void setImage(const QImage &image); // keeps the zoom mode; a null image shows `placeholder`
    QImage image() const { return m_image; }
    void setPlaceholder(const QString &text);
    void setToolsVisible(bool on);

    bool isFit() const { return m_fit; }
    double zoom() const; // the scale shown now (1.0 = 100 %)
    void fit();
    void actualSize();
    void zoomIn();
    void zoomOut();

protected:
    void resizeEvent(QResizeEvent *event) override;
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void render();
    void setZoom(double z);

    QImage m_image;
    QString m_placeholder;
    bool m_fit = true;
    double m_zoom = 1.0;
    QWidget *m_tools;
    QToolButton *m_zoomLabel;
    QScrollArea *m_scroll;
    QLabel *m_label;
};

} // namespace Ui
