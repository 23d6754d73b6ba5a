import Tensor

/// The line `--accel` prints: the device the work runs on, and that no accelerator is built in
/// when the CPU is the best there is.
func accelLine(_ device: ComputeDevice, doing work: String) -> String {
    ComputeDevice.acceleratorAvailable
        ? "| --accel: \(work) on \(device)" : "| --accel: no accelerator in this build; \(work) on \(device)"
}
