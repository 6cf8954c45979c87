// What the backends look for at the start of an upload: the image's own signature, not its declared type.
const signatures = {
  'image/png': [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
  'image/jpeg': [0xff, 0xd8, 0xff, 0xe0],
  // RIFF, a length, WEBP.
  'image/webp': [0x52, 0x49, 0x46, 0x46, 0, 0, 0, 0, 0x57, 0x45, 0x42, 0x50],
} as const;

/**
 * A file of `size` bytes (at least its signature's) that starts as an image of `type` does.
 *
 * @example
 * upload(imageFile(64, 'ring.png')); // valid on both backends
 */
export function imageFile(size: number, name: string, type: keyof typeof signatures = 'image/png', fill = 0): File {
  const bytes = new Uint8Array(size).fill(fill);
  bytes.set(signatures[type].slice(0, size));
  return new File([bytes], name, { type });
}
