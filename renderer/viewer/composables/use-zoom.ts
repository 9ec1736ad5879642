/**
 * Zoom and rotation shared by every paged or raster viewer: fit-to-width by default,
 * then fixed steps, so +/- and the buttons behave the same everywhere.
 */
import { computed, ref } from 'vue';
import type { ViewerAction } from '../viewer-keys';

export const ZOOM_STEPS = [0.25, 0.33, 0.5, 0.67, 0.75, 0.9, 1, 1.1, 1.25, 1.5, 1.75, 2, 2.5, 3, 4, 5] as const;

export type Rotation = 0 | 90 | 180 | 270;

export function useZoom() {
  /** 'fit' follows the width of the viewer; a number is a fixed scale (1 = 100%). */
  const mode = ref<'fit' | number>('fit');
  /** The scale fit-to-width came to, so zooming from it steps from where the user is. */
  const fitScale = ref(1);
  const rotation = ref<Rotation>(0);

  const scale = computed(() => (mode.value === 'fit' ? fitScale.value : mode.value));
  const label = computed(() => `${Math.round(scale.value * 100)}%`);

  function zoomIn(): void {
    mode.value = ZOOM_STEPS.find((step) => step > scale.value + 0.001) ?? ZOOM_STEPS[ZOOM_STEPS.length - 1] ?? 5;
  }
  function zoomOut(): void {
    mode.value = [...ZOOM_STEPS].reverse().find((step) => step < scale.value - 0.001) ?? ZOOM_STEPS[0] ?? 0.25;
  }
  function fitWidth(): void {
    mode.value = 'fit';
  }
  function rotate(): void {
    rotation.value = ((rotation.value + 90) % 360) as Rotation;
  }
  function reset(): void {
    mode.value = 'fit';
    rotation.value = 0;
  }

  /** Carries out a zoom or rotate key; false for any other action, which is the viewer's. */
  function handle(action: ViewerAction | null): boolean {
    if (action === 'zoom-in') zoomIn();
    else if (action === 'zoom-out') zoomOut();
    else if (action === 'fit') fitWidth();
    else if (action === 'rotate') rotate();
    else return false;
    return true;
  }

  return { mode, fitScale, rotation, scale, label, zoomIn, zoomOut, fitWidth, rotate, reset, handle };
}

export type Zoom = ReturnType<typeof useZoom>;
