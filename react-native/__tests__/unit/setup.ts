import { configure } from '@testing-library/react-native';

// The fake answers within microtasks, but a loaded 2-core CI machine can still take a while to
// render: every `waitFor` gets 5 s (the default is 1 s) before it fails.
configure({ asyncUtilTimeout: 5_000 });
