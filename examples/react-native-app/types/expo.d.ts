// The part of expo the example uses (the real package ships these types).
import type { ComponentType } from 'react';
export function registerRootComponent(component: ComponentType): void;
