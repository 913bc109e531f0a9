import QRCode from 'qrcode';

/** The `otpauth://` URI as a QR code, an SVG data URL for an `<img>` (the page needs no script). */
export async function qrCodeDataUrl(text: string): Promise<string> {
  const svg = await QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 4 });
  return `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
}
